// Whole elections over real loopback sockets and the real clock: machine + transport + driver.

import test from 'ava';
import { createServer } from 'node:net';
import type { QuorumServerSpec } from '../../../src/config/types';
import { startElectionNode, type ElectionNode } from '../../../src/quorum/election/election-node';
import { silentLogger } from '../../../src/util/logger';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function servers(n: number): Promise<QuorumServerSpec[]> {
  const out: QuorumServerSpec[] = [];
  for (let id = 1; id <= n; id++) out.push({ id, addresses: [{ host: '127.0.0.1', quorumPort: await freePort(), electionPort: await freePort() }], role: 'participant', client: null });
  return out;
}

const history = (epoch: bigint, counter: bigint) => ({ lastZxid: (epoch << 32n) | counter, currentEpoch: epoch });

test('three nodes on loopback elect the highest (epoch, zxid, sid)', async (t) => {
  const specs = await servers(3);
  const hist = [history(1n, 9n), history(2n, 1n), history(1n, 50n)];
  const nodes: ElectionNode[] = [];
  try {
    for (const s of specs) nodes.push(await startElectionNode({ myId: s.id, servers: specs, logger: silentLogger, ...hist[s.id - 1]! }));
    const decisions = await within(30_000, Promise.all(nodes.map((n) => n.driver.lookForLeader())));
    // Server 2 has epoch 2: it wins over larger zxids of epoch 1.
    t.deepEqual(decisions.map((d) => [d.state, d.vote.id]), [['FOLLOWING', 2n], ['LEADING', 2n], ['FOLLOWING', 2n]]);
    t.true(decisions.every((d) => d.vote.peerEpoch === 2n && d.vote.zxid === 0x200000001n));
  } finally {
    for (const n of nodes) await n.close();
  }
});

test('a late node joins an ensemble that already decided (answers from FOLLOWING/LEADING peers)', async (t) => {
  const specs = await servers(3);
  const nodes: ElectionNode[] = [];
  try {
    for (const id of [1, 3]) nodes.push(await startElectionNode({ myId: id, servers: specs, logger: silentLogger, ...history(0n, 0n) }));
    const first = await within(30_000, Promise.all(nodes.map((n) => n.driver.lookForLeader())));
    t.deepEqual(first.map((d) => [d.state, d.vote.id]), [['FOLLOWING', 3n], ['LEADING', 3n]]);
    // Node 2 has a better history but arrives late: it must follow the established leader.
    const late = await startElectionNode({ myId: 2, servers: specs, logger: silentLogger, ...history(5n, 5n) });
    nodes.push(late);
    const d = await within(30_000, late.driver.lookForLeader());
    t.deepEqual([d.state, d.vote.id, d.vote.electionEpoch], ['FOLLOWING', 3n, first[1]!.vote.electionEpoch]);
  } finally {
    for (const n of nodes) await n.close();
  }
});

/** Bounds a wait: rejects after `ms`. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
