// Typed values for the system properties, with the reference's defaults. A value the reference
// would silently replace by its default (an unparsable number, an unknown compression method) is
// an error here: the operator meant something, and zkts will not guess.

import type { Problems } from './errors';
import { decodeJavaInt, decodeJavaLong, parseJavaInt, parseJavaLong, parseStrictBoolean } from './java-values';
import { propertySpec, type PropertyKind, type SystemPropertySetting } from './system-properties';
import type { SnapshotCompressionMethod, SystemSettings } from './types';

/** Every word FourLetterCommands knows. */
export const FOUR_LETTER_WORDS: readonly string[] = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst',
  'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
];

type Value = number | boolean | string;

/** Converts one setting by its spec; reports and returns undefined when it does not parse. */
export function convertSetting(s: SystemPropertySetting, problems: Problems): Value | undefined {
  const spec = propertySpec(s.name);
  if (spec === undefined) return s.raw;
  const message = check(spec.kind, s.raw);
  if (typeof message === 'string') {
    problems.error(s.key, message, s.source);
    return undefined;
  }
  return message.value;
}

function check(kind: PropertyKind, raw: string): { value: Value } | string {
  switch (kind.type) {
    case 'string':
      return { value: raw };
    case 'boolean': {
      const b = parseStrictBoolean(raw);
      return b === undefined ? `'${raw}' is not a boolean (true or false)` : { value: b };
    }
    case 'yesno':
      // The reference compares with "yes"/"no" exactly; anything else silently means the default.
      return raw === 'yes' || raw === 'no' ? { value: raw === 'yes' } : `'${raw}' must be yes or no (exactly; the reference reads anything else as its default)`;
    case 'enum': {
      const v = kind.values.find((x) => x.toLowerCase() === raw.toLowerCase());
      return v === undefined ? `'${raw}' is not one of ${kind.values.map((x) => `'${x}'`).join(', ')}` : { value: v };
    }
    case 'int': {
      const v = kind.syntax === 'decode' ? decodeJavaInt(raw) : parseJavaInt(raw);
      if (v === undefined) return `'${raw}' is not a 32-bit integer`;
      return rangeMessage(v, kind.min, kind.max) ?? { value: v };
    }
    case 'long': {
      const big = kind.syntax === 'decode' ? decodeJavaLong(raw) : parseJavaLong(raw);
      if (big === undefined) return `'${raw}' is not a 64-bit integer`;
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) return `'${raw}' is too large`;
      const v = Number(big);
      return rangeMessage(v, kind.min, undefined) ?? { value: v };
    }
  }
}

function rangeMessage(v: number, min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && v < min) return `${v} is too small (minimum ${min})`;
  if (max !== undefined && v > max) return `${v} is too large (maximum ${max})`;
  return undefined;
}

/** The typed settings, defaults applied, from the converted values by full property name. */
export function systemSettings(values: ReadonlyMap<string, Value>, problems: Problems, sourceKey: (name: string) => string): SystemSettings {
  const num = (name: string, dflt: number): number => {
    const v = values.get(name);
    return typeof v === 'number' ? v : dflt;
  };
  const flag = (name: string, dflt: boolean): boolean => {
    const v = values.get(name);
    return typeof v === 'boolean' ? v : dflt;
  };
  const text = (name: string, dflt: string): string => {
    const v = values.get(name);
    return typeof v === 'string' ? v : dflt;
  };

  let snapCount = num('zookeeper.snapCount', 100_000);
  if (snapCount < 2) {
    problems.warn(sourceKey('zookeeper.snapCount'), `${snapCount} is below 2; using 2, as the reference does`);
    snapCount = 2;
  }
  const readOnlyModeEnabled = flag('readonlymode.enabled', false);
  const superDigest = values.get('zookeeper.DigestAuthenticationProvider.superDigest');
  return {
    juteMaxBufferBytes: num('jute.maxbuffer', 0xfffff),
    extendedTypesEnabled: flag('zookeeper.extendedTypesEnabled', false),
    skipACL: flag('zookeeper.skipACL', false),
    superDigest: typeof superDigest === 'string' && superDigest !== '' ? superDigest : null,
    enforceQuota: flag('zookeeper.enforceQuota', false),
    snapCount,
    snapSizeLimitKb: num('zookeeper.snapSizeLimitInKb', 4_194_304),
    preAllocSizeKb: num('zookeeper.preAllocSize', 65_536),
    forceSync: flag('zookeeper.forceSync', true),
    snapshotCompression: text('zookeeper.snapshot.compression.method', '') as SnapshotCompressionMethod,
    fourLetterWords: fourLetterWords(values.get('zookeeper.4lw.commands.whitelist'), readOnlyModeEnabled, problems, sourceKey),
    globalOutstandingLimit: num('zookeeper.globalOutstandingLimit', 1000),
    containerCheckIntervalMs: num('znode.container.checkIntervalMs', 60_000),
    containerMaxPerMinute: num('znode.container.maxPerMinute', 10_000),
    containerMaxNeverUsedIntervalMs: num('znode.container.maxNeverUsedIntervalMs', 0),
    digestEnabled: flag('zookeeper.digest.enabled', true),
    snapshotTrustEmpty: flag('zookeeper.snapshot.trust.empty', false),
    dataDirAutocreate: flag('zookeeper.datadir.autocreate', true),
    dbAutocreate: flag('zookeeper.db.autocreate', true),
    txnLogSizeLimitKb: num('zookeeper.txnLogSizeLimitInKb', -1),
    maxCnxns: num('zookeeper.maxCnxns', 0),
    readOnlyModeEnabled,
    closeSessionTxnEnabled: flag('zookeeper.closeSessionTxn.enabled', true),
    digestAuthenticationEnabled: flag('zookeeper.DigestAuthenticationProvider.enabled', true),
    admin: {
      enableServer: flag('zookeeper.admin.enableServer', true),
      serverAddress: text('zookeeper.admin.serverAddress', '0.0.0.0'),
      serverPort: num('zookeeper.admin.serverPort', 8080),
      idleTimeoutMs: num('zookeeper.admin.idleTimeout', 30_000),
      commandURL: text('zookeeper.admin.commandURL', '/commands'),
    },
  };
}

/**
 * FourLetterCommands: comma-separated, trimmed, `*` for all; srvr is always on (zkServer.sh
 * status needs it) and isro too in read-only mode.
 */
function fourLetterWords(raw: Value | undefined, readOnly: boolean, problems: Problems, sourceKey: (name: string) => string): readonly string[] {
  const words = new Set<string>();
  if (typeof raw === 'string') {
    for (const part of raw.split(',')) {
      const w = part.trim();
      if (w === '') continue;
      if (w === '*') return ['*'];
      if (!FOUR_LETTER_WORDS.includes(w)) problems.warn(sourceKey('zookeeper.4lw.commands.whitelist'), `'${w}' is not a four-letter word the reference knows; ignored`);
      else words.add(w);
    }
  }
  if (readOnly) words.add('isro');
  words.add('srvr');
  return [...words];
}
