// zoo.cfg -> ServerConfig with QuorumPeerConfig.parseProperties' semantics: the keys it knows are
// read as it reads them; server.N / group.N / weight.N form the ensemble; every other key is the
// system property zookeeper.<key>. Every problem is collected and reported in one ConfigError.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfgReader } from './cfg-reader';
import { ACTIVE_CORE_KEYS, CORE_KEYS, readClientSide, readPeerSettings } from './core-keys';
import { analyzeQuorum, applyOwnServer, membership, readMyid, readNextDynamicConfig, type MembershipLines, type ReadFile } from './ensemble';
import { ConfigError, Problems } from './errors';
import { metricsProviderConfig } from '../metrics/config';
import { PropertiesSyntaxError, readProperties, type PropertiesEntry } from './properties';
import { convertSetting, systemSettings } from './settings';
import { environmentProperties, propertySpec, type EnvironmentInput, type SystemPropertySetting } from './system-properties';
import type { ServerConfig, SystemPropertyValue, SystemSettings } from './types';

export interface ParseOptions {
  /** SERVER_JVMFLAGS, JVMFLAGS, ZOO_DATADIR_AUTOCREATE_DISABLE (the CLI passes process.env). Default none. */
  env?: EnvironmentInput;
  /** Relative paths resolve against this, as Java resolves them against user.dir. Default process.cwd(). */
  cwd?: string;
  /**
   * Reads a file the config points at (dynamicConfigFile, <dataDir>/myid); undefined when it is
   * not a readable file. Default: the file system.
   */
  readFile?: ReadFile;
}

export interface ParseResult {
  config: ServerConfig;
  /** Things worth an operator's attention that do not stop the server (unknown keys, resets). */
  warnings: string[];
}

interface Classified extends MembershipLines {
  core: Map<string, string>;
  metrics: Record<string, string>;
  /** System properties set in zoo.cfg, by full name. */
  properties: Map<string, SystemPropertySetting>;
}

export function parseZooCfg(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const cwd = options.cwd ?? process.cwd();
  const configFile = resolve(cwd, file);
  const readFile = options.readFile ?? readRegularFile;
  const problems = new Problems();
  const c = classify(propertiesOf(text, configFile), problems);
  const r = new CfgReader(c.core, problems);

  const props = readSystemProperties(c.properties, options.env ?? {}, problems);
  const client = readClientSide(r, cwd, problems);
  const peer = readPeerSettings(r, cwd, props.values, problems);
  const members = membership(c, peer.dynamicConfigFile, readFile, peer.multiAddress.enabled, problems);
  // QuorumPeerConfig.parse reads `.dynamic.next` only next to a dynamic config file.
  const next = peer.dynamicConfigFile === null ? null : readNextDynamicConfig(configFile, readFile, peer.multiAddress.enabled, problems);
  const quorumMode = analyzeQuorum(members.servers, peer.standaloneEnabled, problems);
  if (quorumMode) {
    for (const key of ['initLimit', 'syncLimit'] as const) {
      if (peer[key] === 0) problems.error(key, r.has(key) ? 'must be > 0 with an ensemble' : 'is not set (required with an ensemble)');
    }
  }
  // myid is read only when present, as the reference does (a standalone server needs none).
  const serverId = readMyid(client.dataDir, readFile, problems);
  const configured = { clientPort: client.clientPort, clientPortAddress: client.clientPortAddress, peerType: peer.peerType };
  const own = serverId === null ? configured : applyOwnServer(serverId, members.servers, configured, peer.peerTypeSet, problems);
  if (!quorumMode && own.clientPort === null && client.clientPortUnset && client.secureClientPortUnset) {
    problems.error('clientPort', 'is not set: a standalone server needs a client port');
  }
  const metrics = metricsProviderConfig(peer.metricsProviderClassName, c.metrics);
  for (const e of metrics.errors) problems.error(`metricsProvider.${e.key}`, e.message);
  problems.throwIfAny(configFile);

  const inactiveKeys = [
    ...props.inactive,
    ...[...c.core.keys()].filter((k) => !ACTIVE_CORE_KEYS.has(k)),
    ...metrics.inactive,
  ];
  const { clientPortUnset: _u, secureClientPortUnset: _s, ...clientConfig } = client;
  const { metricsProviderClassName, peerTypeSet: _p, dynamicConfigFile, ...peerConfig } = peer;
  const config: ServerConfig = {
    configFile,
    ...clientConfig,
    clientPort: own.clientPort,
    clientPortAddress: own.clientPortAddress,
    ...peerConfig,
    peerType: own.peerType,
    electionAlg: 3,
    metricsProvider: { className: metricsProviderClassName, settings: c.metrics },
    dynamicConfigFile,
    dynamicConfigVersion: members.version,
    nextDynamicConfig: next,
    servers: members.servers,
    quorumGroups: members.groups,
    quorumMode,
    serverId,
    system: props.system,
    systemProperties: props.byName,
    inactiveKeys,
  };
  return { config: deepFreeze(config), warnings: problems.warnings };
}

function propertiesOf(text: string, file: string): PropertiesEntry[] {
  try {
    return readProperties(text);
  } catch (e) {
    if (e instanceof PropertiesSyntaxError) throw new ConfigError(file, [{ key: '(file)', source: 'zoo.cfg', message: e.message }]);
    throw e;
  }
}

function classify(entries: readonly PropertiesEntry[], problems: Problems): Classified {
  const c: Classified = { core: new Map(), servers: [], groups: [], weights: [], version: undefined, metrics: {}, properties: new Map() };
  const servers: PropertiesEntry[] = [];
  const groups: PropertiesEntry[] = [];
  const weights: PropertiesEntry[] = [];
  for (const e of entries) {
    const { key, value } = e;
    if (CORE_KEYS.has(key)) c.core.set(key, value);
    else if (key.startsWith('metricsProvider.')) c.metrics[key.slice('metricsProvider.'.length)] = value;
    else if (key.startsWith('server.')) servers.push(e);
    else if (key.startsWith('group.')) groups.push(e);
    else if (key.startsWith('weight.')) weights.push(e);
    else if (key === 'version') c.version = value;
    else systemPropertyKey(c.properties, key, value, problems);
  }
  return { ...c, servers, groups, weights };
}

/** The reference: System.setProperty("zookeeper." + key). zkts also takes the full name. */
function systemPropertyKey(into: Map<string, SystemPropertySetting>, key: string, value: string, problems: Problems): void {
  const prefixed = `zookeeper.${key}`;
  const name = propertySpec(prefixed) !== undefined ? prefixed : propertySpec(key) !== undefined ? key : undefined;
  if (name === undefined) {
    problems.warn(key, `unknown key; the reference would set the system property ${prefixed}, which nothing reads. Ignored`);
    return;
  }
  const prior = into.get(name);
  if (prior !== undefined && prior.raw !== value) problems.error(key, `sets ${name} to '${value}', but ${prior.key} sets it to '${prior.raw}'`);
  into.set(name, { name, raw: value, source: 'zoo.cfg', key });
}

interface SystemProperties {
  system: SystemSettings;
  /** Converted values by full name (only the ones that parsed). */
  values: Map<string, number | boolean | string>;
  byName: Record<string, SystemPropertyValue>;
  /** Keys (as written) of set properties zkts does not act on. */
  inactive: string[];
}

/**
 * The environment's -D flags, then zoo.cfg on top: the reference sets its zookeeper.* properties
 * from zoo.cfg after the JVM started, so zoo.cfg wins.
 */
function readSystemProperties(fromFile: ReadonlyMap<string, SystemPropertySetting>, env: EnvironmentInput, problems: Problems): SystemProperties {
  const settings = environmentProperties(env);
  for (const [name, s] of fromFile) settings.set(name, s);
  const values = new Map<string, number | boolean | string>();
  const byName: Record<string, SystemPropertyValue> = {};
  const inactive: string[] = [];
  for (const [name, s] of settings) {
    const v = convertSetting(s, problems);
    if (v !== undefined) values.set(name, v);
    const status = propertySpec(name)?.status ?? 'ignored';
    byName[name] = { value: s.raw, source: s.source, status };
    if (status !== 'active') inactive.push(s.source === 'zoo.cfg' ? s.key : `-D${s.key}`);
  }
  const system = systemSettings(values, problems, (name) => settings.get(name)?.key ?? name);
  return { system, values, byName, inactive };
}

function readRegularFile(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
