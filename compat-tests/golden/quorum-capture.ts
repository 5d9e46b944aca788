// Records the quorum-port bytes of a real Apache ZooKeeper 3.8.0 ensemble (Debian's jars), for the
// golden packet tests in test/quorum/zab/golden-capture.test.ts.
//
// Three Java servers on 127.0.0.1. Servers 1 and 2 start first and elect a leader. Server 3's zoo.cfg
// lists the quorum ports of 1 and 2 as two recording proxies instead of the real ones (reconfig is
// off, so nobody rewrites its view), so when 3 joins, its connection to the leader passes through a
// proxy that keeps every byte in both directions. The script then drives traffic through 3:
//   capture 1: 3 starts empty (SNAP sync), a client on 3 creates a session (REQUEST createSession),
//              writes (REQUEST, PROPOSAL, ACK, COMMIT), waits for PINGs, and a session made on the
//              leader reconnects to 3 (REVALIDATE both ways).
//   capture 2: 3 stops, one more write lands meanwhile, 3 restarts (DIFF with a PROPOSAL/COMMIT pair).
// Output: <outdir>/<capture>.learner-to-leader.bin, <capture>.leader-to-learner.bin, manifest.json.
// The bytes are not reproducible run to run (time stamps, session ids, ports); the tests check what
// the bytes must be, not a hash.
//
// Usage: npm run build && node dist/compat-tests/golden/quorum-capture.js [outdir]

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateRequest, CreateResponse, SetDataRequest } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, type EnsembleMember, type JavaQuorumMember, planEnsemble, startJavaQuorumMember } from '../support/java-ensemble';

interface Recording {
  toLeader: Buffer[];
  toLearner: Buffer[];
}

/** A TCP proxy that records each accepted connection's bytes in both directions. */
class RecordingProxy {
  readonly recordings: Recording[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<RecordingProxy> {
    const server = createServer();
    const proxy = await new Promise<RecordingProxy>((res, rej) => {
      server.once('error', rej);
      server.listen(0, LOOPBACK, () => {
        const a = server.address();
        if (typeof a !== 'object' || a === null) return rej(new Error('no address'));
        res(new RecordingProxy(server, a.port));
      });
    });
    server.on('connection', (learner) => {
      const rec: Recording = { toLeader: [], toLearner: [] };
      proxy.recordings.push(rec);
      const leader = connect({ host: LOOPBACK, port: targetPort });
      for (const s of [learner, leader]) {
        proxy.sockets.add(s);
        s.on('close', () => proxy.sockets.delete(s));
        s.on('error', () => undefined);
      }
      learner.on('data', (c: Buffer) => {
        rec.toLeader.push(Buffer.from(c));
        leader.write(c);
      });
      leader.on('data', (c: Buffer) => {
        rec.toLearner.push(Buffer.from(c));
        learner.write(c);
      });
      learner.on('close', () => leader.destroy());
      leader.on('close', () => learner.destroy());
    });
    return proxy;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // polling a probe, not synchronization by sleep
  }
}

async function create(c: ZkTestClient, path: string, data: string): Promise<void> {
  const body = CreateRequest.encode({ path, data: Buffer.from(data), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 });
  const r = await c.request(OpCode.create, body, CreateResponse);
  if (r.err !== 0) throw new Error(`create ${path}: ${r.err}`);
}

async function setData(c: ZkTestClient, path: string, data: string): Promise<void> {
  const r = await c.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from(data), version: -1 }), null);
  if (r.err !== 0) throw new Error(`setData ${path}: ${r.err}`);
}

export interface CaptureManifestEntry {
  name: string;
  learnerSid: number;
  leaderSid: number;
  kind: 'SNAP' | 'DIFF';
  tickTimeMs: number;
  learnerToLeader: string;
  leaderToLearner: string;
  notes: string;
}

export async function captureQuorumTraffic(outdir: string): Promise<CaptureManifestEntry[]> {
  const tickTime = 500;
  const members = await planEnsemble([1, 2, 3]);
  const proxies = new Map<number, RecordingProxy>();
  const java: JavaQuorumMember[] = [];
  const start = (myId: number, view: readonly EnsembleMember[], dataDir?: string): Promise<JavaQuorumMember> =>
    startJavaQuorumMember({ myId, members: view, tickTime, initLimit: 10, syncLimit: 5, logLevel: 'warn', ...(dataDir === undefined ? {} : { dataDir }) }).then((m) => {
      java.push(m);
      return m;
    });
  try {
    for (const m of members.filter((x) => x.sid !== 3)) proxies.set(m.sid, await RecordingProxy.start(m.quorumPort));
    // Server 3 reaches 1 and 2's quorum ports through the proxies.
    const view3 = members.map((m) => (m.sid === 3 ? m : { ...m, quorumPort: proxies.get(m.sid)!.port }));
    const [j1, j2] = await Promise.all([start(1, members), start(2, members)]);
    const leader = await waitFor('a leader among 1 and 2', 60_000, async () => {
      for (const j of [j1!, j2!]) if ((await j.mode()) === 'leader') return j;
      return null;
    });
    const leaderProxy = proxies.get(leader.sid)!;
    const port = (sid: number): number => members.find((m) => m.sid === sid)!.clientPort;

    // ---- capture 1: SNAP sync, client traffic through 3, pings, revalidation
    let j3 = await start(3, view3);
    await waitFor('server 3 following', 60_000, async () => ((await j3.mode()) === 'follower' ? true : null));
    const onLeader = await ZkTestClient.connect(LOOPBACK, port(leader.sid), { timeoutMs: 30_000 });
    const on3 = await ZkTestClient.connect(LOOPBACK, port(3), { timeoutMs: 30_000 });
    await create(on3, '/golden', 'from-follower');
    await create(onLeader, '/golden/leader', 'from-leader');
    await setData(on3, '/golden', 'again');
    // A few ping rounds (every tickTime/2) with a touched session in them.
    const pingsBefore = Date.now();
    await waitFor('ping rounds', 10_000, async () => (Date.now() - pingsBefore > tickTime * 3 ? true : null));
    // The leader's session moves to server 3: 3 asks the leader (REVALIDATE).
    const moved = await ZkTestClient.connect(LOOPBACK, port(3), { sessionId: onLeader.sessionId, passwd: onLeader.passwd, timeoutMs: 30_000 });
    onLeader.destroy();
    await create(moved, '/golden/moved', 'x');
    await Promise.all([moved.close(), on3.close()]);
    await waitFor('the close to commit', 10_000, async () => (leaderProxy.recordings[0]!.toLearner.length > 0 ? true : null));

    // ---- capture 2: 3 misses one write and comes back with a DIFF
    await j3.stop();
    java.splice(java.indexOf(j3), 1);
    const c = await ZkTestClient.connect(LOOPBACK, port(leader.sid), { timeoutMs: 30_000 });
    await create(c, '/golden/while-away', 'y');
    await c.close();
    j3 = await start(3, view3, j3.dataDir);
    await waitFor('server 3 following again', 60_000, async () => ((await j3.mode()) === 'follower' ? true : null));
    const pingsAfter = Date.now();
    await waitFor('ping rounds', 10_000, async () => (Date.now() - pingsAfter > tickTime * 2 ? true : null));
    await j3.stop();
    java.splice(java.indexOf(j3), 1);

    const recs = leaderProxy.recordings;
    if (recs.length < 2) throw new Error(`expected 2 learner connections through the proxy, saw ${recs.length}`);
    // Replace earlier recordings; anything else in the directory (its README) stays.
    mkdirSync(outdir, { recursive: true });
    for (const f of readdirSync(outdir)) if (f.endsWith('.bin') || f === 'manifest.json') rmSync(join(outdir, f));
    const entries: CaptureManifestEntry[] = [];
    const names: [string, 'SNAP' | 'DIFF', string][] = [
      ['snap-session', 'SNAP', 'empty server 3 joins: SNAP sync; REQUEST createSession/create/setData/closeSession from 3, PROPOSAL/ACK/COMMIT, PINGs, REVALIDATE of a session moved from the leader'],
      ['diff-session', 'DIFF', 'server 3 restarts after missing writes (session closes, one create): DIFF with the PROPOSAL/COMMIT pairs it missed, PINGs; a 3.8.0 learner also ACKs those committed txns'],
    ];
    names.forEach(([name, kind, notes], i) => {
      const r = recs[i]!;
      const learnerToLeader = `${name}.learner-to-leader.bin`;
      const leaderToLearner = `${name}.leader-to-learner.bin`;
      writeFileSync(join(outdir, learnerToLeader), Buffer.concat(r.toLeader));
      writeFileSync(join(outdir, leaderToLearner), Buffer.concat(r.toLearner));
      entries.push({ name, learnerSid: 3, leaderSid: leader.sid, kind, tickTimeMs: tickTime, learnerToLeader, leaderToLearner, notes });
    });
    writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify({ generator: 'compat-tests/golden/quorum-capture.ts', server: 'Apache ZooKeeper 3.8.0 (Debian)', captures: entries }, null, 2)}\n`);
    return entries;
  } finally {
    await Promise.all(java.map((j) => j.stop()));
    for (const p of proxies.values()) await p.stop();
  }
}

if (require.main === module) {
  const outdir = resolve(process.argv[2] ?? join(__dirname, '..', '..', '..', 'compat-tests', 'golden', 'quorum-fixtures'));
  captureQuorumTraffic(outdir).then(
    (entries) => {
      for (const e of entries) console.log(`${e.name}: ${e.kind} sync, leader ${e.leaderSid}`);
      console.log(`written to ${outdir}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
