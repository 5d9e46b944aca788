// Simulated client sessions. Each connects to a serving server (the leader directly, or a learner
// that revalidates the session with the leader first), pipelines a few writes over that one
// connection, and takes replies from the server it is connected to when that server applies the
// write. A connection lives as long as the server's serving period; then the session reconnects
// somewhere else and starts a new generation. Recorded: what was sent in which generation, and
// which writes were acknowledged (the reply reached the client).

import type { Sid } from '../../src/quorum/types';
import type { Checker } from './checker';
import type { SimPeer } from './peer';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

interface Connection {
  readonly peer: SimPeer;
  readonly period: number;
  ready: boolean;
  /** Requests arrive in order on one connection. */
  lastArrival: number;
}

export class Session {
  conn: Connection | null = null;
  /** Seqs sent on each connection, in order; index = generation. */
  readonly generations: number[][] = [];
  /** Sent on the current connection and not answered yet, oldest first. */
  pending: number[] = [];
  readonly acked = new Map<number, bigint>();
  private nextSeq = 1;

  constructor(
    readonly id: bigint,
    public writesLeft: number,
    readonly pipeline: number,
  ) {}

  newGeneration(): void {
    this.generations.push([]);
    this.pending = [];
  }

  take(): number {
    const seq = this.nextSeq++;
    this.generations[this.generations.length - 1]!.push(seq);
    this.pending.push(seq);
    this.writesLeft--;
    return seq;
  }
}

export interface ClientEnv {
  readonly sched: Scheduler;
  readonly rng: Rng;
  readonly checker: Checker;
  peers(): readonly SimPeer[];
  delay(): number;
  trace(sid: Sid | null, msg: () => string): void;
}

export class Clients {
  readonly sessions = new Map<bigint, Session>();

  constructor(private readonly env: ClientEnv) {}

  /**
   * A session that writes `writes` times, at most `pipeline` unanswered at once, thinking
   * `thinkMs` between steps, until `stopAt`.
   */
  add(id: bigint, writes: number, pipeline: number, startAt: number, stopAt: number, thinkMs: [number, number]): Session {
    const s = new Session(id, writes, pipeline);
    this.sessions.set(id, s);
    const loop = (): void => {
      if (this.env.sched.now > stopAt) return;
      this.think(s);
      if (s.writesLeft > 0 || s.pending.length > 0) this.env.sched.after(this.env.rng.range(thinkMs[0], thinkMs[1]), loop);
    };
    this.env.sched.at(startAt, loop);
    return s;
  }

  private think(s: Session): void {
    const c = s.conn;
    if (c !== null && (!c.peer.up || c.peer.servingPeriod !== c.period)) {
      this.env.trace(null, () => `session ${s.id} lost its connection to ${c.peer.sid} (pending ${s.pending.join(',') || 'none'})`);
      s.conn = null;
    }
    if (s.conn === null) return this.connect(s);
    if (!s.conn.ready || s.pending.length >= s.pipeline || s.writesLeft <= 0) return;
    this.submit(s, s.conn);
  }

  private connect(s: Session): void {
    const candidates = this.env.peers().filter((p) => p.up && p.serving);
    if (candidates.length === 0) return;
    const peer = this.env.rng.pick(candidates);
    const conn: Connection = { peer, period: peer.servingPeriod, ready: false, lastArrival: 0 };
    s.conn = conn;
    s.newGeneration();
    const gen = s.generations.length - 1;
    this.env.trace(null, () => `session ${s.id} connects to ${peer.sid} (generation ${gen})`);
    this.env.sched.after(this.env.delay(), () => {
      if (s.conn !== conn || peer.servingPeriod !== conn.period || !peer.up) return;
      const r = peer.role;
      if (r.kind === 'leading') {
        r.owners.set(s.id, peer.sid);
        conn.ready = true;
      } else if (r.kind === 'following') {
        peer.zab.stepLearner(r, { type: 'revalidateSession', sessionId: s.id, timeoutMs: 30_000, nowMs: this.env.sched.now });
      }
    });
  }

  private submit(s: Session, conn: Connection): void {
    const seq = s.take();
    const at = Math.max(conn.lastArrival, this.env.sched.now + this.env.delay());
    conn.lastArrival = at;
    this.env.sched.at(at, () => {
      const peer = conn.peer;
      if (!peer.up || peer.servingPeriod !== conn.period) return;
      const r = peer.role;
      if (r.kind === 'leading') peer.zab.accept(r, peer.sid, s.id, seq);
      else if (r.kind === 'following') {
        peer.zab.stepLearner(r, {
          type: 'forwardRequest',
          request: { sessionId: s.id, cxid: seq, opType: 1, body: Buffer.alloc(0), authinfo: [] },
          nowMs: this.env.sched.now,
        });
      }
    });
  }

  /** The learner's REVALIDATE answer came back. */
  revalidated(peer: SimPeer, session: bigint, valid: boolean): void {
    const s = this.sessions.get(session);
    const c = s?.conn;
    if (s === undefined || c == null || c.peer !== peer || c.period !== peer.servingPeriod) return;
    if (valid) c.ready = true;
    else s.conn = null;
  }

  /** `peer` applied the write `seq` of `session`: the connected client gets its reply, in order. */
  applied(peer: SimPeer, session: bigint, seq: number, zxid: bigint): void {
    const s = this.sessions.get(session);
    const c = s?.conn;
    if (s === undefined || c == null || c.peer !== peer || c.period !== peer.servingPeriod) return;
    const i = s.pending.indexOf(seq);
    if (i < 0) return;
    if (i > 0) this.env.checker.fail('safety', `session ${session} got the reply to write ${seq} before the replies to ${s.pending.slice(0, i).join(',')} (FIFO order)`);
    s.pending.splice(i, 1);
    s.acked.set(seq, zxid);
    this.env.trace(peer.sid, () => `replies to session ${session} write ${seq} (${zxid.toString(16)})`);
  }

  /**
   * At the end, over the committed history: each session's writes appear in the order sent; what
   * got committed of one connection's writes is a prefix of them (no gaps); every acknowledged
   * write is there, with the zxid the client was told, and also in `finalDb` (the final leader's).
   */
  finish(checker: Checker, finalDb: readonly string[] | null): void {
    const bySession = new Map<bigint, { seq: number; zxid: string }[]>();
    for (const l of checker.history) {
      const m = /^([0-9a-f]+):(-?\d+)\.(-?\d+)$/.exec(l);
      if (m === null) continue;
      const id = BigInt(m[2]!);
      const list = bySession.get(id) ?? [];
      list.push({ seq: Number(m[3]), zxid: m[1]! });
      bySession.set(id, list);
    }
    const finalSet = finalDb === null ? null : new Set(finalDb);
    for (const s of this.sessions.values()) {
      const committed = bySession.get(s.id) ?? [];
      for (let i = 1; i < committed.length; i++) {
        if (committed[i]!.seq <= committed[i - 1]!.seq) {
          checker.fail('safety', `session ${s.id}: write ${committed[i]!.seq} committed after write ${committed[i - 1]!.seq} (FIFO order)`);
        }
      }
      const bySeq = new Map(committed.map((c) => [c.seq, c.zxid]));
      for (const gen of s.generations) {
        const done = gen.map((seq) => bySeq.has(seq));
        const firstMissing = done.indexOf(false);
        if (firstMissing >= 0 && done.indexOf(true, firstMissing) >= 0) {
          checker.fail('safety', `session ${s.id}: of writes ${gen.join(',')} sent on one connection, ${gen.filter((_, i) => done[i]).join(',')} committed (a gap)`);
        }
      }
      for (const [seq, zxid] of s.acked) {
        const z = bySeq.get(seq);
        const lbl = `${zxid.toString(16)}:${s.id}.${seq}`;
        if (z === undefined) checker.fail('safety', `session ${s.id}: acknowledged write ${seq} (${zxid.toString(16)}) is not in the committed history`);
        else if (z !== zxid.toString(16)) checker.fail('safety', `session ${s.id}: write ${seq} was acknowledged at ${zxid.toString(16)} but committed at ${z}`);
        else if (finalSet !== null && !finalSet.has(lbl)) checker.fail('safety', `session ${s.id}: acknowledged write ${seq} (${zxid.toString(16)}) is missing from the final leader`);
      }
    }
  }
}
