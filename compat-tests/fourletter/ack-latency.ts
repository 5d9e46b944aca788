// The leader's ack_latency summary set (ServerMetrics ACK_LATENCY): Leader.processAck samples an
// ack only when the proposal's zxid is a multiple of zookeeper.leader.ackLoggingFrequency (1000 by
// default) and it is still outstanding. These helpers write through a leader until a zxid that is
// a multiple of 1000 has been proposed and committed, then read the set's mntr keys with the sid
// replaced, so a Java leader's and a zkts leader's can be compared (which sids acked in time varies).

import * as zookeeper from 'node-zookeeper-client';
import { fourLetterWord } from '../../test/support/four-letter-word';
import { LOOPBACK } from '../support/java-ensemble';
import type { Member } from '../quorum/ensemble-support';

const FREQUENCY = 1000n;

async function lastZxid(port: number): Promise<bigint> {
  const m = /^Zxid: (0x[0-9a-f]+)$/m.exec(await fourLetterWord(LOOPBACK, port, 'srvr', 5000));
  if (m === null) throw new Error('srvr printed no Zxid line');
  return BigInt(m[1]!);
}

/** Creates nodes under `prefix` through `leader` until its zxid reached the next multiple of 1000. */
export async function writePastAckSample(leader: Member, prefix: string): Promise<bigint> {
  const c = zookeeper.createClient(`${LOOPBACK}:${leader.clientPort}`, { sessionTimeout: 10_000, retries: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no connection to the leader within 10 s')), 10_000);
      c.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      c.connect();
    });
    const create = (path: string): Promise<void> =>
      new Promise((resolve, reject) => c.create(path, Buffer.alloc(0), (e: unknown) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));
    await create(prefix);
    const target = ((await lastZxid(leader.clientPort)) / FREQUENCY + 1n) * FREQUENCY;
    // Batches of pipelined creates; each batch is at most what is still missing (other txns may interleave).
    for (let i = 0; ; ) {
      const missing = Number(target - (await lastZxid(leader.clientPort)));
      if (missing <= 0) return target;
      const batch = Array.from({ length: Math.min(missing, 200) }, () => create(`${prefix}/n${i++}`));
      await Promise.all(batch);
    }
  } finally {
    c.close();
  }
}

/** The ack_latency keys of `mntr`, with the sid replaced by <sid>, sorted; and the sids seen. */
export async function ackLatencyShape(m: Member): Promise<{ keys: string[]; sids: string[] }> {
  const text = await fourLetterWord(LOOPBACK, m.clientPort, 'mntr', 5000);
  const keys = new Set<string>();
  const sids = new Set<string>();
  for (const line of text.split('\n')) {
    const k = /^zk_([a-z0-9]+)_(\d+)_ack_latency\t/.exec(line);
    if (k === null) continue;
    keys.add(`zk_${k[1]}_<sid>_ack_latency`);
    sids.add(k[2]!);
  }
  return { keys: [...keys].sort(), sids: [...sids].sort() };
}
