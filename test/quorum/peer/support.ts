// In-process zkts ensembles for the peer tests: every member on 127.0.0.1 with free ports and its
// own temporary dataDir, short ticks so elections and syncs take well under a second, and
// helpers that wait on conditions (never on time) with a bound.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuorumServerSpec } from '../../../src/config/types';
import { QuorumPeer, type QuorumPeerOptions } from '../../../src/quorum/peer/quorum-peer';
import { silentLogger, createLogger, type Logger } from '../../../src/util/logger';
import { ZkTestClient } from '../../support/zk-client';

export const HOST = '127.0.0.1';
export const TICK_MS = 200;

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface Member {
  readonly sid: number;
  readonly spec: QuorumServerSpec;
  readonly clientPort: number;
  readonly dataDir: string;
  peer: QuorumPeer | null;
}

function testLogger(): Logger {
  const level = process.env.ZKTS_TEST_LOG;
  return level === 'debug' || level === 'info' ? createLogger({ level }) : silentLogger;
}

export class TestEnsemble {
  readonly members: Member[] = [];
  private readonly clients: ZkTestClient[] = [];
  private readonly root = mkdtempSync(join(tmpdir(), 'zkts-peer-'));

  private constructor(readonly tickTimeMs: number) {}

  static async create(sids: readonly number[], observers: readonly number[] = [], tickTimeMs = TICK_MS): Promise<TestEnsemble> {
    const e = new TestEnsemble(tickTimeMs);
    for (const sid of sids) {
      const spec: QuorumServerSpec = {
        id: sid,
        addresses: [{ host: HOST, quorumPort: await freePort(), electionPort: await freePort() }],
        role: observers.includes(sid) ? 'observer' : 'participant',
        client: null,
      };
      e.members.push({ sid, spec, clientPort: await freePort(), dataDir: join(e.root, `s${sid}`), peer: null });
    }
    return e;
  }

  member(sid: number): Member {
    const m = this.members.find((x) => x.sid === sid);
    if (m === undefined) throw new Error(`no member ${sid}`);
    return m;
  }

  peer(sid: number): QuorumPeer {
    const p = this.member(sid).peer;
    if (p === null) throw new Error(`member ${sid} is not running`);
    return p;
  }

  running(): Member[] {
    return this.members.filter((m) => m.peer !== null);
  }

  async start(sid: number, extra: Partial<QuorumPeerOptions> = {}): Promise<QuorumPeer> {
    const m = this.member(sid);
    const log = testLogger();
    m.peer = await QuorumPeer.start({
      myId: sid,
      servers: this.members.map((x) => x.spec),
      initLimit: 10,
      syncLimit: 5,
      server: { host: HOST, port: m.clientPort, dataDir: m.dataDir, tickTimeMs: this.tickTimeMs, logger: log, fourLetterWords: ['*'] },
      logger: log,
      election: { minNotificationIntervalMs: 50, maxNotificationIntervalMs: 400, connectTimeoutMs: 1000 },
      leaderConnectRetryDelayMs: 100,
      ...extra,
    });
    return m.peer;
  }

  /**
   * Starts the highest participant first, then the rest together: alone it cannot elect anyone,
   * so with equal histories it leads however the others' start-ups interleave.
   */
  async startAll(sids: readonly number[] = this.members.map((m) => m.sid)): Promise<void> {
    const participants = sids.filter((sid) => this.member(sid).spec.role === 'participant');
    const first = Math.max(...participants);
    await this.start(first);
    await Promise.all(sids.filter((sid) => sid !== first).map((sid) => this.start(sid)));
  }

  async stop(sid: number): Promise<void> {
    const m = this.member(sid);
    const p = m.peer;
    m.peer = null;
    await p?.stop();
  }

  /**
   * Waits until the running members serve, exactly one of them as leader; returns the leader's sid.
   * Re-checked at every state change of any member: right after a leader stops, its followers
   * still serve for a moment before they notice, so "all serving" alone is not settled.
   */
  async settled(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.running();
      const leaders = running.filter((m) => m.peer!.state === 'LEADING');
      if (leaders.length === 1 && running.every((m) => m.peer!.serving)) return leaders[0]!.sid;
      const left = deadline - Date.now();
      if (left <= 0) {
        const states = running.map((m) => `${m.sid}:${m.peer!.state}${m.peer!.serving ? '/serving' : ''}`).join(' ');
        throw new Error(`expected one leader and every member serving within ${timeoutMs} ms, got ${states}`);
      }
      const now = running.map((m) => ({ p: m.peer!, state: m.peer!.state, serving: m.peer!.serving }));
      const changes = now.map(({ p, state, serving }) => p.waitFor('a state change', (q) => q.state !== state || q.serving !== serving, left));
      for (const c of changes) c.catch(() => undefined);
      await Promise.any(changes).catch(() => undefined);
    }
  }

  async client(sid: number, opts: Parameters<typeof ZkTestClient.connect>[2] = {}): Promise<ZkTestClient> {
    const c = await ZkTestClient.connect(HOST, this.member(sid).clientPort, { timeoutMs: 4000, ...opts });
    this.clients.push(c);
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await Promise.all(this.running().map((m) => this.stop(m.sid)));
    rmSync(this.root, { recursive: true, force: true });
  }
}
