// LearnerRunner against a scripted fake leader on loopback: the three runtime fixes the seeded
// simulation asked for (docs/simulation.md): a stalled SNAP stream is ended by the socket's read
// timeout; a role that ends with an adopted but unsnapshotted SNAP says so (QuorumPeer.rounds then
// reloads from disk); a TRUNC whose reload ends below the TRUNC zxid disconnects.

import test from 'ava';
import { createServer, type Server, type Socket } from 'node:net';
import { snapStreamChunks } from '../../../src/persistence/snapshot';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { DataTree } from '../../../src/tree';
import { DiskQueue } from '../../../src/quorum/peer/disk-queue';
import { LearnerRunner, type LearnerEnd, type LearnerHost } from '../../../src/quorum/peer/learner-runner';
import { QuorumSocket } from '../../../src/quorum/peer/quorum-socket';
import { makeZxid, type Zxid } from '../../../src/quorum/types';
import { bare, PacketType, withData, ZAB_PROTOCOL_VERSION } from '../../../src/quorum/zab/packets';
import * as pl from '../../../src/quorum/zab/payloads';
import { silentLogger } from '../../../src/util/logger';
import { HOST } from './support';

const TICK_MS = 50;
/** Bound on every wait; the read timeouts under test are a few ticks. */
const WAIT_MS = 10_000;

/** What the fake leader does once the learner has acked the new epoch. */
type Script = (leader: QuorumSocket) => void;

interface FakeLeader {
  readonly port: number;
  /** Packets the learner sent, in order. */
  readonly received: QuorumPacket[];
  /** Resolves when the learner sends a packet of `type`. */
  packet(type: number): Promise<QuorumPacket>;
  close(): Promise<void>;
}

async function fakeLeader(script: Script): Promise<FakeLeader> {
  const received: QuorumPacket[] = [];
  const waiters: { type: number; resolve: (p: QuorumPacket) => void }[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    const qs = new QuorumSocket(s, silentLogger);
    qs.start({
      packet: (p) => {
        received.push(p);
        for (const w of waiters.filter((x) => x.type === p.type)) w.resolve(p);
        if (p.type === PacketType.FOLLOWERINFO) qs.send(withData(PacketType.LEADERINFO, makeZxid(1n, 0n), pl.encodeInt(ZAB_PROTOCOL_VERSION)));
        if (p.type === PacketType.ACKEPOCH) script(qs);
        return undefined;
      },
      closed: () => undefined,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const a = server.address();
  if (a === null || typeof a !== 'object') throw new Error('no port');
  return {
    port: a.port,
    received,
    packet: (type) => {
      const seen = received.find((p) => p.type === type);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface HostLog {
  adopted: Zxid[];
  /** Resolves at the first adoptSnapshot call. */
  firstAdopt: Promise<void>;
  snapshots: number;
  truncated: Zxid[];
}

function fakeHost(truncateReaches: (zxid: Zxid) => Zxid = (z) => z): { host: LearnerHost; calls: HostLog } {
  let adoptedNow!: () => void;
  const calls: HostLog = { adopted: [], firstAdopt: new Promise<void>((r) => (adoptedNow = r)), snapshots: 0, truncated: [] };
  const host: LearnerHost = {
    persistTxns: () => Promise.resolve(),
    persistEpoch: () => Promise.resolve(),
    truncateLog: (zxid) => {
      calls.truncated.push(zxid);
      return Promise.resolve(truncateReaches(zxid));
    },
    takeSnapshot: () => {
      calls.snapshots++;
      return Promise.resolve();
    },
    treeLoader: () => DataTree.loader(),
    adoptSnapshot: (_tree, _sessions, zxid) => {
      calls.adopted.push(zxid);
      adoptedNow();
      return Promise.resolve();
    },
    applyCommitted: () => undefined,
    serve: () => undefined,
    syncCompleted: () => undefined,
    sessionRevalidated: () => undefined,
  };
  return { host, calls };
}

function learner(port: number, host: LearnerHost, disk: DiskQueue, initLimit = 4): LearnerRunner {
  return new LearnerRunner({
    log: silentLogger,
    leader: { sid: 2n, host: HOST, port },
    disk,
    host,
    machine: { tickTimeMs: TICK_MS, initLimit, syncLimit: 2, sid: 1n, kind: 'follower', acceptedEpoch: 0n, currentEpoch: 0n, lastLoggedZxid: 0n, configVersion: 0n },
  });
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** The leader's snapshot: an empty tree at `zxid`, as a SNAP stream. */
function sendSnap(leader: QuorumSocket, zxid: Zxid): void {
  leader.send(bare(PacketType.SNAP, zxid));
  const tree = new DataTree();
  tree.lastProcessedZxid = zxid;
  void leader.sendRaw(snapStreamChunks(tree.snapshotSource([])));
}

test('a SNAP stream that stops arriving is ended by the read timeout (initLimit ticks)', async (t) => {
  // SNAP and then silence, with the connection kept open: only a read timeout can end this.
  const leader = await fakeLeader((qs) => qs.send(bare(PacketType.SNAP, makeZxid(0n, 5n))));
  const { host, calls } = fakeHost();
  const runner = learner(leader.port, host, new DiskQueue());
  try {
    void runner.start();
    const end: LearnerEnd = await within(runner.ended, 'end of the learner');
    t.is(end.kind, 'disconnected');
    t.deepEqual(calls.adopted, [], 'no tree was adopted from a stream that never came');
    t.true(leader.received.some((p) => p.type === PacketType.ACKEPOCH), 'the learner did get as far as the sync');
  } finally {
    runner.stop('test over');
    await leader.close();
  }
});

test('a role that ends after adopting a SNAP, before the NEWLEADER snapshot, reports it unsaved', async (t) => {
  const zxid = makeZxid(0n, 7n);
  let toClose: QuorumSocket | null = null;
  const leader = await fakeLeader((qs) => {
    toClose = qs;
    sendSnap(qs, zxid);
  });
  const { host, calls } = fakeHost();
  const disk = new DiskQueue();
  const runner = learner(leader.port, host, disk);
  try {
    void runner.start();
    // The tree is adopted on the disk queue; close the leader's side once that step is over.
    await within(calls.firstAdopt, 'adopted snapshot');
    await disk.idle();
    t.true(runner.snapUnsaved);
    toClose!.close('leader goes away before NEWLEADER');
    await within(runner.ended, 'end of the learner');
    await disk.idle();
    t.deepEqual(calls.adopted, [zxid]);
    t.is(calls.snapshots, 0);
    t.true(runner.snapUnsaved, 'QuorumPeer.rounds must reload from disk');
  } finally {
    runner.stop('test over');
    await leader.close();
  }
});

test('after the NEWLEADER snapshot the adopted SNAP is saved: nothing to reload', async (t) => {
  const leader = await fakeLeader((qs) => {
    sendSnap(qs, makeZxid(0n, 7n));
    qs.send(bare(PacketType.NEWLEADER, makeZxid(1n, 0n)));
  });
  const { host, calls } = fakeHost();
  const disk = new DiskQueue();
  const runner = learner(leader.port, host, disk);
  try {
    void runner.start();
    const ack = await within(leader.packet(PacketType.ACK), 'ACK of NEWLEADER');
    t.is(ack.zxid, makeZxid(1n, 0n));
    runner.stop('test over');
    await disk.idle();
    t.is(calls.snapshots, 1);
    t.false(runner.snapUnsaved);
  } finally {
    runner.stop('test over');
    await leader.close();
  }
});

test('a TRUNC whose reload ends below the TRUNC zxid disconnects instead of syncing over the hole', async (t) => {
  const truncAt = makeZxid(1n, 0xdn);
  const leader = await fakeLeader((qs) => {
    qs.send(bare(PacketType.TRUNC, truncAt));
    qs.send(bare(PacketType.NEWLEADER, makeZxid(1n, 0n)));
  });
  // The reload from the log stops two txns short (the snapshot holding them was dropped).
  const { host, calls } = fakeHost((z) => z - 2n);
  const runner = learner(leader.port, host, new DiskQueue());
  try {
    void runner.start();
    const end = await within(runner.ended, 'end of the learner');
    t.is(end.kind, 'disconnected');
    t.regex(end.reason, /TRUNC to 0x10000000d left the database at 0x10000000b/);
    t.deepEqual(calls.truncated, [truncAt]);
    t.false(leader.received.some((p) => p.type === PacketType.ACK), 'NEWLEADER was never acked');
  } finally {
    runner.stop('test over');
    await leader.close();
  }
});

test('a TRUNC whose reload reaches the TRUNC zxid goes on with the sync', async (t) => {
  const truncAt = makeZxid(1n, 0xdn);
  const leader = await fakeLeader((qs) => {
    qs.send(bare(PacketType.TRUNC, truncAt));
    qs.send(bare(PacketType.NEWLEADER, makeZxid(1n, 0n)));
  });
  const { host, calls } = fakeHost();
  const runner = learner(leader.port, host, new DiskQueue());
  try {
    void runner.start();
    const ack = await within(leader.packet(PacketType.ACK), 'ACK of NEWLEADER');
    t.is(ack.zxid, makeZxid(1n, 0n));
    t.deepEqual(calls.truncated, [truncAt]);
  } finally {
    runner.stop('test over');
    await leader.close();
  }
});
