// Every four-letter word sent to Apache ZooKeeper 3.8.0 and to zkts after the same workload: the
// answers must have the same STRUCTURE (lines and keys in the same order, values of the same form).
// mntr is compared key by key: zkts prints the reference's keys in the reference's order, except
// the few docs/metrics.md lists as omitted (zkts has the mechanism but does not count it).

import test from 'ava';
import * as zookeeper from 'node-zookeeper-client';
import { fourLetterWord, startJavaServer } from '../support/java-server';
import { startServer } from '../../src/index';

const WORDS = ['ruok', 'stat', 'srvr', 'conf', 'cons', 'crst', 'dump', 'envi', 'srst', 'wchs', 'wchc', 'wchp', 'mntr', 'isro', 'gtmk', 'dirs', 'hash'];

/** The reference's mntr keys zkts leaves out (docs/metrics.md, "Omitted"). */
const MNTR_OMITTED = [
  'outstanding_changes_queued',
  'outstanding_changes_removed',
  ...['avg', 'min', 'max', 'cnt', 'sum'].map((p) => `${p}_sync_process_time`),
].map((k) => `zk_${k}`);

/** Replace values with their form, so answers compare by structure. */
function shape(text: string): string {
  return text
    .replace(/Zookeeper version: [^\n]*/g, 'Zookeeper version: <v>')
    .replace(/\/127\.0\.0\.1:\d+/g, '/<addr>')
    .replace(/0x[0-9a-f]+/g, '<hex>')
    .replace(/\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [A-Z]+ \d{4}\b/g, '<date>')
    .replace(/\/[^\s=]*\/version-2/g, '<dir>/version-2')
    .replace(/\d+\.\d+/g, '<float>')
    .replace(/-?\d+/g, '<n>');
}

async function workload(connectString: string): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 0 });
  await new Promise<void>((resolve) => {
    c.once('connected', () => resolve());
    c.connect();
  });
  const call = (f: (cb: (e: unknown) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => f((e) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));
  await call((cb) => c.create('/a', Buffer.from('hello'), cb));
  await call((cb) => c.create('/a/e', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL, cb));
  await call((cb) => c.getData('/a', () => undefined, cb));
  await call((cb) => c.exists('/b', () => undefined, cb));
  return c;
}

async function answers(host: string, port: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const w of WORDS) out.set(w, await fourLetterWord(host, port, w, 5000));
  return out;
}

test('every word: same structure as Apache ZooKeeper 3.8.0', async (t) => {
  const java = await startJavaServer();
  const zkts = await startServer();
  let jc: zookeeper.Client | null = null;
  let zc: zookeeper.Client | null = null;
  try {
    jc = await workload(`${java.host}:${java.port}`);
    zc = await workload(zkts.connectString);
    const ja = await answers(java.host, java.port);
    const za = await answers(zkts.host, zkts.port);
    for (const w of WORDS) {
      const j = ja.get(w)!;
      const z = za.get(w)!;
      if (w === 'mntr') {
        const keys = (s: string): string[] => s.trimEnd().split('\n').map((l) => l.split('\t')[0]!);
        const jk = keys(j);
        const zk = keys(z);
        t.deepEqual(zk.filter((k) => !jk.includes(k)), [], 'zkts prints no mntr key the reference lacks');
        t.deepEqual(jk.filter((k) => !zk.includes(k)).sort(), [...MNTR_OMITTED].sort(), 'zkts prints every key but the documented omissions');
        t.deepEqual(zk, jk.filter((k) => zk.includes(k)), 'in the reference\'s order');
        const form = (s: string): Map<string, string> => new Map(s.trimEnd().split('\n').map((l) => [l.split('\t')[0]!, shape(l.split('\t')[1] ?? '')]));
        const jf = form(j);
        const zf = form(z);
        for (const k of zk) if (k !== 'zk_version') t.is(zf.get(k), jf.get(k), `mntr ${k}`);
      } else if (w === 'envi') {
        const keys = (s: string): string[] => s.trimEnd().split('\n').map((l) => l.split('=')[0]!);
        t.deepEqual(keys(z), keys(j), 'envi keys');
      } else if (w === 'dump') {
        // Documented: the reference's NIO factory lists its idle-connection expiry sets after
        // "Connections dump:"; zkts (like the reference's Netty factory) has none.
        t.is(shape(z), shape(j).replace(/(Connections dump:\n)[\s\S]*$/, '$1'), 'dump');
      } else if (w === 'cons') {
        // The reference lists connections in hash-set order: compare the lines as a multiset.
        const lines = (s: string): string[] => shape(s).split('\n').sort();
        t.deepEqual(lines(z), lines(j), 'cons');
      } else {
        t.is(shape(z), shape(j), w);
      }
    }
    // The digest log is empty below zxid 128 on both; compare a line's form on zkts alone.
    t.is(za.get('hash'), '');
  } finally {
    jc?.close();
    zc?.close();
    await zkts.stop();
    await java.stop();
  }
});
