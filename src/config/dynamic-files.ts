// The files the reference writes when dynamic reconfig is on (QuorumPeerConfig.backupOldConfig,
// writeDynamicConfig, editStaticConfig; QuorumPeer.setQuorumVerifier / setLastSeenQuorumVerifier):
//   <zoo.cfg>.bak              a byte copy of a zoo.cfg that still holds server.N lines (at start-up)
//   <zoo.cfg>.dynamic.<hex>    the activated membership, `key=value` lines sorted, no `version`
//   <zoo.cfg>.dynamic.next     a proposed membership, the same with its `version=` line
//   <zoo.cfg> rewritten        without the membership keys, then `dynamicConfigFile=<real path>`
// The text transforms are pure; the writers replace files the way AtomicFileWritingIdiom does
// (`<name>.tmp`, fsync, rename). Java's rewrite of zoo.cfg walks a java.util.Properties, whose
// order is a ConcurrentHashMap's bucket order: reproduced by `javaPropertiesOrder` so the file
// comes out byte for byte as Java writes it (comments and blank lines are dropped, as there).

import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { javaStringHash } from '../util/java-hash';
import { quorumConfigText } from '../quorum/election/config-text';
import { readRawProperties, type PropertiesEntry } from './properties';
import type { QuorumServerSpec } from './types';

/** QuorumPeerConfig.nextDynamicConfigFileSuffix. */
export const NEXT_DYNAMIC_SUFFIX = '.dynamic.next';

/** Long.toHexString: the version as an unsigned 64-bit hex number. */
export function versionHex(version: bigint): string {
  return BigInt.asUintN(64, version).toString(16);
}

/** `<zoo.cfg>.dynamic.<hex version>` (QuorumPeer.makeDynamicConfigFilename). */
export function dynamicConfigFilename(cfgPath: string, version: bigint): string {
  return `${cfgPath}.dynamic.${versionHex(version)}`;
}

/**
 * writeDynamicConfig's text: QuorumVerifier.toString() read back as properties, `key=value` with
 * both sides trimmed, sorted as Java sorts Strings (UTF-16 code units: server.10 before server.2),
 * joined by newlines with none at the end. `keepVersion` is true for `.dynamic.next` only.
 */
export function dynamicConfigText(servers: readonly QuorumServerSpec[], version: bigint, keepVersion: boolean): string {
  const lines: string[] = [];
  // quorumConfigText already spells hosts as Java does (javaHostString).
  for (const { key, value } of readRawProperties(quorumConfigText(servers, version))) {
    const k = key.trim();
    if (!keepVersion && k.startsWith('version')) continue;
    lines.push(`${k}=${value.trim()}`);
  }
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('\n');
}

/**
 * InetSocketAddress.getHostString of a literal: Java keeps a host name as written but prints an
 * IPv6 literal in its full form (`::1` -> `0:0:0:0:0:0:0:1`, seen in files Java 3.8.0 wrote), and
 * an IPv4-mapped one as the IPv4 address.
 */
export function javaHostString(host: string): string {
  const pct = host.indexOf('%');
  const addr = pct < 0 ? host : host.slice(0, pct);
  if (!isIPv6(addr)) return host;
  let text = addr.toLowerCase();
  let tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const b = v4.slice(1).map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    text = text.slice(0, v4.index) + '0:0';
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  return groups.map((g) => g.toString(16)).join(':') + (pct < 0 ? '' : host.slice(pct));
}

/** The keys editStaticConfig leaves out of the rewritten zoo.cfg (a prefix test, as there). */
function dropFromStatic(key: string, eraseClientPort: boolean): boolean {
  return (
    key.startsWith('server.') ||
    key.startsWith('group') ||
    key.startsWith('weight') ||
    key.startsWith('dynamicConfigFile') ||
    key.startsWith('peerType') ||
    // startsWith("clientPort") also takes clientPortAddress and clientPortListenBacklog.
    (eraseClientPort && key.startsWith('clientPort'))
  );
}

/**
 * editStaticConfig's text: every other key of `originalText` in Java's Properties order as
 * `key=value` (trimmed, not re-escaped), then `dynamicConfigFile=<dynamicFile>`; each line ends
 * with a newline. `dynamicFile` is written as given (the writer passes its real path).
 */
export function staticConfigText(originalText: string, dynamicFile: string, eraseClientPort: boolean): string {
  let out = '';
  for (const { key, value } of readJavaProperties(originalText)) {
    const k = key.trim();
    if (dropFromStatic(k, eraseClientPort)) continue;
    out += `${k}=${value.trim()}\n`;
  }
  return `${out}dynamicConfigFile=${dynamicFile}\n`;
}

/**
 * QuorumPeer.needEraseClientInfoFromStaticConfig: the static clientPort keys go when this
 * server's own line carries a client address (`;[host:]port`).
 */
export function needEraseClientPort(servers: readonly QuorumServerSpec[], myId: number): boolean {
  return servers.find((s) => s.id === myId)?.client != null;
}

/** Properties.load then entrySet(): the last value of each key, in the map's iteration order. */
export function readJavaProperties(text: string): PropertiesEntry[] {
  const values = new Map<string, string>();
  for (const { key, value } of readRawProperties(text)) values.set(key, value);
  return javaPropertiesOrder([...values.keys()]).map((key) => ({ key, value: values.get(key)! }));
}

// ---- java.util.Properties iteration order (JDK 9+: a ConcurrentHashMap, JDK 17 rules) ----

const TREEIFY_THRESHOLD = 8;
const UNTREEIFY_THRESHOLD = 6;
const MIN_TREEIFY_CAPACITY = 64;

interface Bin {
  /** Keys with their spread hashes, in iteration order. */
  nodes: { key: string; hash: number }[];
  /** A TreeBin: iterated through its `first` list, where new nodes are put in front. */
  tree: boolean;
}

/**
 * The order in which a `new Properties()` filled by put(k) for each key (in this order; repeats
 * keep their first place) iterates its keys. ConcurrentHashMap(8) starts with 16 bins and
 * doubles at 3/4 full; a resize splits each bin into lo/hi lists (the nodes before the last run
 * reversed); a bin reaching 9 nodes doubles a table under 64 bins up to 4x, or becomes a TreeBin.
 */
export function javaPropertiesOrder(keys: readonly string[]): string[] {
  let table: (Bin | undefined)[] = new Array<Bin | undefined>(16);
  let sizeCtl = 12;
  let count = 0;
  const transfer = (): void => {
    const n = table.length;
    const next = new Array<Bin | undefined>(n * 2);
    for (let i = 0; i < n; i++) {
      const bin = table[i];
      if (bin === undefined) continue;
      const lo: Bin['nodes'] = [];
      const hi: Bin['nodes'] = [];
      if (bin.tree) {
        for (const node of bin.nodes) ((node.hash & n) === 0 ? lo : hi).push(node);
      } else {
        // The tail run sharing one bit moves as is; the nodes before it are prepended one by one.
        let runStart = 0;
        for (let j = 1; j < bin.nodes.length; j++) if ((bin.nodes[j]!.hash & n) !== (bin.nodes[j - 1]!.hash & n)) runStart = j;
        const run = bin.nodes.slice(runStart);
        ((run[0]!.hash & n) === 0 ? lo : hi).push(...run);
        for (let j = 0; j < runStart; j++) {
          const node = bin.nodes[j]!;
          ((node.hash & n) === 0 ? lo : hi).unshift(node);
        }
      }
      if (lo.length > 0) next[i] = { nodes: lo, tree: bin.tree && lo.length > UNTREEIFY_THRESHOLD };
      if (hi.length > 0) next[i + n] = { nodes: hi, tree: bin.tree && hi.length > UNTREEIFY_THRESHOLD };
    }
    table = next;
    sizeCtl = (n << 1) - (n >>> 1);
  };
  for (const key of keys) {
    const h = javaStringHash(key);
    const hash = (h ^ (h >>> 16)) & 0x7fffffff;
    const i = hash & (table.length - 1);
    const bin = table[i];
    let binCount = 0;
    if (bin === undefined) {
      table[i] = { nodes: [{ key, hash }], tree: false };
    } else if (bin.nodes.some((x) => x.key === key)) {
      continue;
    } else if (bin.tree) {
      bin.nodes.unshift({ key, hash });
      binCount = 2;
    } else {
      binCount = bin.nodes.length;
      bin.nodes.push({ key, hash });
    }
    if (binCount >= TREEIFY_THRESHOLD) {
      if (table.length < MIN_TREEIFY_CAPACITY) {
        // tryPresize(n << 1): grow until the table holds 1.5x that size.
        const size = table.length << 1;
        const target = tableSizeFor(size + (size >>> 1) + 1);
        while (target > sizeCtl) transfer();
      } else {
        table[i]!.tree = true;
      }
    }
    count++;
    while (count >= sizeCtl) transfer();
  }
  const out: string[] = [];
  for (const bin of table) if (bin !== undefined) for (const node of bin.nodes) out.push(node.key);
  return out;
}

function tableSizeFor(c: number): number {
  let n = 1;
  while (n < c) n <<= 1;
  return n;
}

// ---- writers ----

/** AtomicFileOutputStream: `<file>.tmp`, fsynced, renamed over `file`. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** backupOldConfig: zoo.cfg copied byte for byte to `<zoo.cfg>.bak`. Returns the backup's path. */
export function backupStaticConfig(cfgPath: string): string {
  const bak = `${cfgPath}.bak`;
  writeFileAtomic(bak, readFileSync(cfgPath));
  return bak;
}

/** QuorumPeerConfig.writeDynamicConfig for an activated config: `<zoo.cfg>.dynamic.<hex>`. */
export function writeDynamicConfig(cfgPath: string, servers: readonly QuorumServerSpec[], version: bigint): string {
  const file = dynamicConfigFilename(cfgPath, version);
  writeFileAtomic(file, dynamicConfigText(servers, version, false));
  return file;
}

/** setLastSeenQuorumVerifier(qv, true): a proposed config in `<zoo.cfg>.dynamic.next`, version kept. */
export function writeNextDynamicConfig(cfgPath: string, servers: readonly QuorumServerSpec[], version: bigint): string {
  const file = `${cfgPath}${NEXT_DYNAMIC_SUFFIX}`;
  writeFileAtomic(file, dynamicConfigText(servers, version, true));
  return file;
}

/**
 * editStaticConfig: zoo.cfg rewritten to point at `dynamicFile` (which must exist: its real
 * path is written). zoo.cfg is read as ISO-8859-1, as Properties.load(InputStream) reads it.
 */
export function rewriteStaticConfig(cfgPath: string, dynamicFile: string, eraseClientPort: boolean): void {
  const original = readFileSync(cfgPath, 'latin1');
  writeFileAtomic(cfgPath, staticConfigText(original, realpathSync(dynamicFile), eraseClientPort));
}

/** QuorumPeerConfig.deleteFile(getNextDynamicConfigFilename()): true when there was one. */
export function removeNextDynamicConfig(cfgPath: string): boolean {
  try {
    rmSync(`${cfgPath}${NEXT_DYNAMIC_SUFFIX}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * QuorumPeer.setQuorumVerifier(qv, writeToDisk=true) on a peer with a config file: the dynamic
 * file for `version`, zoo.cfg pointed at it, and `.dynamic.next` removed once it is activated
 * (`nextVersion` is the last seen proposal's version; omit it when that is this one).
 */
export function activateDynamicConfig(cfgPath: string, servers: readonly QuorumServerSpec[], version: bigint, myId: number, nextVersion: bigint = version): string {
  const file = writeDynamicConfig(cfgPath, servers, version);
  rewriteStaticConfig(cfgPath, file, needEraseClientPort(servers, myId));
  if (nextVersion === version) removeNextDynamicConfig(cfgPath);
  return file;
}

// ---- start-up ----

export interface StartupFiles {
  /** `<zoo.cfg>.bak` when it was written. */
  readonly backup: string | null;
  /** A `.dynamic.next` was there and is gone. */
  readonly removedNext: boolean;
}

/**
 * What the reference does to the config files when a quorum member starts, before any election:
 * QuorumPeerConfig.parse backs zoo.cfg up when it still holds the server list of an ensemble and
 * reconfigEnabled=true; QuorumPeerMain.runFromConfig's setQuorumVerifier(qv, false) deletes
 * `.dynamic.next` (whatever reconfigEnabled says; parse has already read it when it counted).
 * The dynamic file and the rewrite come later, when a leader activates the config.
 */
export function prepareStartupFiles(config: { configFile: string; quorumMode: boolean; reconfigEnabled: boolean; dynamicConfigFile: string | null }): StartupFiles {
  const backup = config.quorumMode && config.reconfigEnabled && config.dynamicConfigFile === null ? backupStaticConfig(config.configFile) : null;
  const removedNext = config.quorumMode ? removeNextDynamicConfig(config.configFile) : false;
  return { backup, removedNext };
}
