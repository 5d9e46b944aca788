// A follower's observer master registers what the AdminServer's `observers` and `orst` read
// (ObserverMaster.getActiveObservers / resetObserverConnectionStats), counted per observer
// connection as the reference's LearnerHandler does. A hand-driven observer over a real socket.

import { connect, type Socket } from 'node:net';
import test from 'ava';
import { quorumAdminOf } from '../../../src/admin/quorum-admin';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { makeZxid } from '../../../src/quorum/types';
import { ObserverMasterRunner } from '../../../src/quorum/peer/observer-master-runner';
import { QuorumSocket } from '../../../src/quorum/peer/quorum-socket';
import { PacketType as T } from '../../../src/quorum/zab/packets';
import * as pl from '../../../src/quorum/zab/payloads';
import { silentLogger } from '../../../src/util/logger';
import { freePort, HOST } from './support';

const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });

/** The observer's end: packets in order, each awaited with a timeout. */
function observerEnd(socket: Socket): { qs: QuorumSocket; next(what: string): Promise<QuorumPacket> } {
  const qs = new QuorumSocket(socket, silentLogger);
  const queue: QuorumPacket[] = [];
  const waiters: ((p: QuorumPacket) => void)[] = [];
  qs.start({ packet: (p) => void (waiters.length > 0 ? waiters.shift()!(p) : queue.push(p)), closed: () => undefined });
  return {
    qs,
    next: (what) =>
      queue.length > 0
        ? Promise.resolve(queue.shift()!)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000);
            waiters.push((p) => {
              clearTimeout(timer);
              resolve(p);
            });
          }),
  };
}

test('the observer master lists its synced observers for the AdminServer and resets their counters', async (t) => {
  const key = {};
  const port = await freePort();
  const requests: bigint[] = [];
  let onForward: () => void = () => undefined;
  const forwarded = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no forwarded request within 10 s')), 10_000);
    onForward = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const om = new ObserverMasterRunner({
    log: silentLogger,
    listen: { host: HOST, port },
    adminKey: key,
    host: {
      snapshotSource: () => { throw new Error('no SNAP expected'); },
      lastProcessedZxid: () => makeZxid(2n, 0n),
      forward: (_conn, r) => {
        requests.push(r.sessionId);
        onForward();
      },
      revalidate: () => undefined,
      touch: () => undefined,
    },
    machine: {
      sid: 1n, epoch: 2n, tickTimeMs: 2000, initLimit: 10, syncLimit: 5, newLeaderConfig: null,
      planSync: (peerLastZxid) => ({ kind: 'DIFF', zxid: peerLastZxid, proposals: [], lastQueuedZxid: peerLastZxid, reason: 'test' } as never),
    },
  });
  let socket: Socket | null = null;
  try {
    await om.start();
    t.is(quorumAdminOf(key)?.observers().length, 0, 'registered once listening, with no observer yet');
    socket = connect({ host: HOST, port });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('error', reject);
    });
    const obs = observerEnd(socket);
    obs.qs.send(pk(T.OBSERVERINFO, 0n, pl.encodeLearnerInfo(4n, 0n)));
    t.is((await obs.next('LEADERINFO')).type, T.LEADERINFO);
    obs.qs.send(pk(T.ACKEPOCH, makeZxid(2n, 0n), pl.encodeInt(2)));
    t.is((await obs.next('DIFF')).type, T.DIFF);
    t.is((await obs.next('NEWLEADER')).type, T.NEWLEADER);
    obs.qs.send(pk(T.ACK, makeZxid(2n, 0n)));
    t.is((await obs.next('UPTODATE')).type, T.UPTODATE);
    // As a real observer: it acks UPTODATE (Learner.syncWithLeader), inside the handler's main loop.
    obs.qs.send(pk(T.ACK, makeZxid(2n, 0n)));
    // A client request through the observer, once synced: counted as received and as a request.
    obs.qs.send(pk(T.REQUEST, -1n, pl.encodeRequest({ sessionId: 0x55n, cxid: 1, opType: 1, body: Buffer.alloc(0) })));
    await forwarded;
    om.committed({ zxid: makeZxid(2n, 1n), bytes: Buffer.from([1]) });
    t.is((await obs.next('INFORM')).type, T.INFORM);
    t.deepEqual(requests, [0x55n]);

    const list = quorumAdminOf(key)!.observers();
    t.is(list.length, 1);
    const o = list[0]!;
    t.is(o.sid, 4n);
    t.is(o.remoteAddress, `/${HOST}:${socket.localPort}`);
    t.is(o.requests, 1);
    t.is(o.packetsReceived, 2, 'the UPTODATE ack and the request (the handshake is not counted)');
    t.is(o.packetsSent, 4, 'DIFF, NEWLEADER, UPTODATE, INFORM (not LEADERINFO)');
    t.is(o.lastZxid, makeZxid(2n, 1n));
    quorumAdminOf(key)!.resetObserverConnectionStats();
    const r = quorumAdminOf(key)!.observers()[0]!;
    t.deepEqual([r.packetsReceived, r.packetsSent, r.requests, r.lastZxid], [0, 0, 0, -1n]);
  } finally {
    socket?.destroy();
    om.stop('test over');
  }
  t.is(quorumAdminOf(key), null, 'unregistered when stopped');
});
