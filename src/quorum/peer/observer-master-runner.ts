// The observer master's shell (ObserverMaster.start/run and its LearnerHandler threads): a follower
// with observerMasterPort listens there while it follows, gives each observer connection an id,
// drives the pure ObserverMasterMachine, streams SNAPs of the follower's tree, and hands what
// observers send up to the follower's own connection to the leader (ObserverMasterHost).

import type { Server, Socket } from 'node:net';
import { listenOn } from '../transport/listen';
import type { SnapshotSource } from '../../persistence/snapshot-contract';
import type { Logger } from '../../util/logger';
import type { Zxid } from '../types';
import { ObserverMasterMachine, type ObserverConnId, type ObserverMasterInput, type ObserverMasterOptions, type ObserverMasterOutput } from '../zab/observer-master';
import type { LearnerRequest, SessionTouch } from '../zab/payloads';
import { planSync, type SyncProposal } from '../zab/sync-planner';
import { registerQuorumAdmin } from '../../admin/quorum-admin';
import { isConnOutput, LearnerConns } from './learner-conns';
import { monotonicNowMs, Stepper } from './stepper';

/** What the master needs from the follower. */
export interface ObserverMasterHost {
  snapshotSource(): SnapshotSource;
  lastProcessedZxid(): Zxid;
  /** Forward an observer's client request to the leader; `conn` owns the answer to a sync. */
  forward(conn: ObserverConnId, request: LearnerRequest): void;
  revalidate(sessionId: bigint, timeoutMs: number): void;
  touch(sessions: readonly SessionTouch[]): void;
}

export interface ObserverMasterRunnerOptions {
  readonly log: Logger;
  readonly listen: { readonly host: string; readonly port: number };
  readonly listenOnAllIPs?: boolean;
  readonly host: ObserverMasterHost;
  readonly machine: Omit<ObserverMasterOptions, 'nowMs'>;
  readonly lengthMax?: number;
  /** The server's metrics object: the AdminServer finds the synced observers under it (quorum-admin.ts). */
  readonly adminKey?: object;
}

export class ObserverMasterRunner {
  readonly machine: ObserverMasterMachine;
  private readonly log: Logger;
  private readonly stepper: Stepper<ObserverMasterInput, ObserverMasterOutput>;
  private server: Server | null = null;
  private readonly conns: LearnerConns;
  private unregisterAdmin: (() => void) | null = null;
  private over = false;

  constructor(private readonly o: ObserverMasterRunnerOptions) {
    this.log = o.log.child({ component: 'observer-master' });
    this.machine = new ObserverMasterMachine({ ...o.machine, nowMs: monotonicNowMs() });
    this.stepper = new Stepper<ObserverMasterInput, ObserverMasterOutput>(
      this.machine,
      (out) => this.execute(out),
      (nowMs) => ({ type: 'tick', nowMs }),
      (e) => {
        // A bug here must not take the follower down with it: stop serving observers only.
        this.log.error('observer master failed; closing it', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        this.stop('observer master runtime error');
      },
    );
    this.conns = new LearnerConns({
      log: this.log,
      lengthMax: o.lengthMax,
      peerName: 'observer',
      closeLevel: 'info',
      closeText: 'closing an observer connection',
      // As LearnerHandler: only what its main loop reads (once the observer is synced) counts.
      counts: (conn) => this.machine.activeObservers.some((a) => a.conn === conn),
      input: (e) => this.stepper.input({ ...e, nowMs: monotonicNowMs() }),
      snapshotSource: () => o.host.snapshotSource(),
      lastProcessedZxid: () => o.host.lastProcessedZxid(),
    });
  }

  /** Binds the port (ObserverMaster.start). Rejects when it cannot listen. */
  async start(): Promise<void> {
    // quorumListenOnAllIPs: the wildcard, as the leader's quorum port and the election port.
    const host = this.o.listenOnAllIPs === true ? undefined : this.o.listen.host;
    const server = await listenOn({ host, port: this.o.listen.port, backlog: 10 }, (socket) => this.accepted(socket));
    if (this.over) {
      server.close();
      return;
    }
    this.server = server;
    if (this.o.adminKey !== undefined) {
      this.unregisterAdmin = registerQuorumAdmin(this.o.adminKey, {
        kind: 'observerMaster',
        observers: () => this.machine.activeObservers.flatMap((a) => this.conns.statsOf(a.conn)?.info(a.sid) ?? []),
        resetObserverConnectionStats: () => {
          for (const a of this.machine.activeObservers) this.conns.statsOf(a.conn)?.reset();
        },
      });
    }
    this.log.info('observer master: accepting observer connections', { address: `${host ?? '*'}:${this.o.listen.port}` });
    this.stepper.run([]);
  }

  /** The follower applied a committed txn: relay it to the synced observers (with the designated leader of an activated reconfig). */
  committed(txn: SyncProposal, designatedLeader?: bigint): void {
    this.stepper.input({ type: 'committed', txn, ...(designatedLeader === undefined ? {} : { designatedLeader }), nowMs: monotonicNowMs() });
  }

  /** The leader answered a REVALIDATE: true when it was an observer's (it is passed on). */
  revalidated(sessionId: bigint, valid: boolean): boolean {
    if (this.over) return false;
    const r = this.machine.revalidated(sessionId, valid);
    for (const out of r.outputs) this.execute(out);
    return r.handled;
  }

  /** The leader answered a sync forwarded for `conn`. */
  syncAnswered(conn: ObserverConnId): void {
    this.stepper.input({ type: 'syncAnswered', conn, nowMs: monotonicNowMs() });
  }

  stop(reason: string): void {
    if (this.over) return;
    for (const out of this.machine.stop(reason)) this.execute(out);
    this.over = true;
    this.unregisterAdmin?.();
    this.unregisterAdmin = null;
    this.stepper.stop();
    this.conns.closeAll(reason);
    this.server?.close();
    this.server = null;
    this.log.info('observer master stopped', { reason });
  }

  private accepted(socket: Socket): void {
    if (this.over) {
      socket.destroy();
      return;
    }
    this.conns.accept(socket);
  }

  private execute(out: ObserverMasterOutput): void {
    if (this.over) return;
    if (isConnOutput(out)) return this.conns.execute(out);
    switch (out.type) {
      case 'observerSynced':
        this.log.info('syncing observer', { conn: out.conn, observer: String(out.sid), mode: out.plan });
        return;
      case 'forwardRequest':
        this.o.host.forward(out.conn, out.request);
        return;
      case 'revalidateSession':
        this.o.host.revalidate(out.sessionId, out.timeoutMs);
        return;
      case 'touchSessions':
        this.o.host.touch(out.sessions);
        return;
      case 'log':
        this.log[out.level](out.message);
        return;
    }
  }
}

/** What a follower's observer master is built from (Follower.followLeader's `new ObserverMaster`). */
export interface FollowerMasterSetup {
  readonly log: Logger;
  readonly sid: bigint;
  readonly listen: { readonly host: string; readonly port: number };
  readonly listenOnAllIPs?: boolean;
  readonly lengthMax: number;
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  /** The follower's last seen config text (NEWLEADER's data). */
  readonly configText: string;
  readonly sizeLimit?: number;
  /** The follower's database (PeerStorage). */
  readonly storage: {
    readonly tree: { readonly lastProcessedZxid: Zxid; snapshotSource(sessions: Map<bigint, number>): SnapshotSource };
    readonly db: { readonly sessions: Map<bigint, number> };
    readonly currentEpoch: bigint;
    committedProposals(): SyncProposal[];
  };
  /** The server's metrics object, under which the AdminServer looks the observers up (optional). */
  readonly adminKey?: object;
  /** The follower's connection to the leader. */
  readonly link: {
    forwardFor(owner: number, request: LearnerRequest): void;
    revalidate(sessionId: bigint, timeoutMs: number): void;
    touch(sessionId: bigint, timeoutMs: number): void;
    /** Ends the following (the peer goes back to election): the listen failure ends it. */
    stop(reason: string): void;
  };
}

/**
 * Builds and starts a follower's observer master. When the port cannot be bound the follower
 * fails as the reference's does (ObserverMaster.start throws out of Follower.followLeader, which
 * logs "Exception when following the leader", closes its leader socket and returns to election);
 * `onListenFailed` then runs too.
 */
export function startFollowerObserverMaster(f: FollowerMasterSetup, onListenFailed: (e: unknown) => void): ObserverMasterRunner {
  const s = f.storage;
  const om = new ObserverMasterRunner({
    log: f.log,
    listen: f.listen,
    ...(f.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: f.listenOnAllIPs }),
    lengthMax: f.lengthMax,
    ...(f.adminKey === undefined ? {} : { adminKey: f.adminKey }),
    host: {
      snapshotSource: () => s.tree.snapshotSource(s.db.sessions),
      lastProcessedZxid: () => s.tree.lastProcessedZxid,
      forward: (conn, request) => f.link.forwardFor(conn, request),
      revalidate: (sessionId, timeoutMs) => f.link.revalidate(sessionId, timeoutMs),
      touch: (sessions) => {
        for (const t of sessions) f.link.touch(t.sessionId, t.timeoutMs);
      },
    },
    machine: {
      sid: f.sid,
      epoch: s.currentEpoch,
      tickTimeMs: f.tickTimeMs,
      initLimit: f.initLimit,
      syncLimit: f.syncLimit,
      newLeaderConfig: Buffer.from(f.configText, 'utf8'),
      ...(f.sizeLimit === undefined ? {} : { sizeLimit: f.sizeLimit }),
      planSync: (peerLastZxid) => planSync({ peerLastZxid, lastProcessedZxid: s.tree.lastProcessedZxid, committedLog: s.committedProposals() }),
    },
  });
  om.start().catch((e: unknown) => {
    const error = e instanceof Error ? e.message : String(e);
    f.log.warn('Exception when following the leader', { cause: `cannot listen on the observerMasterPort ${f.listen.host}:${f.listen.port}`, error });
    om.stop('cannot listen');
    onListenFailed(e);
    f.link.stop(`cannot listen on the observerMasterPort ${f.listen.port}: ${error}`);
  });
  return om;
}
