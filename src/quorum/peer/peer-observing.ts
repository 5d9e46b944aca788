// The observer-master side of a quorum member (observerMasterPort): which server an observer syncs
// from (Observer.findLearnerMaster over the voters' master ports, round robin, else the leader), and
// the observer master a synced follower runs for observers (Follower.followLeader's om).

import type { Logger } from '../../util/logger';
import { LearnerMasterList } from '../zab/observer-master';
import type { LearnerRunner } from './learner-runner';
import { startFollowerObserverMaster, type ObserverMasterRunner } from './observer-master-runner';
import type { PeerConfig } from '../reconfig/peer-config';
import type { PeerStorage } from './peer-storage';
import type { QuorumPeerOptions } from './peer-options';

export interface LearnerTarget {
  readonly sid: bigint;
  readonly host: string;
  readonly port: number;
}

export class PeerObserving {
  private readonly learnerMasters: LearnerMasterList;
  private learnerMastersVersion: bigint | null = null;
  /** A follower's observer master, while it follows and serves. */
  private masterValue: ObserverMasterRunner | null = null;

  constructor(
    private readonly o: QuorumPeerOptions,
    private readonly log: Logger,
    private readonly config: PeerConfig,
    private readonly storage: PeerStorage,
    private readonly record: (event: string) => void,
    /** Where the AdminServer's observers/orst find this master's learners (the server's metrics object). */
    private readonly adminKey?: object,
  ) {
    this.learnerMasters = new LearnerMasterList(o.observerMasterPort ?? null);
  }

  get master(): ObserverMasterRunner | null {
    return this.masterValue;
  }

  /**
   * Observer.findLearnerMaster: the next observer master (observerMasterPort), else the leader.
   * The reference sleeps a random part of zookeeper.observer.reconnectDelayMs before it reconnects
   * to the leader, and with observer masters only once the whole list has been tried.
   */
  async findLearnerMaster(leader: LearnerTarget): Promise<LearnerTarget> {
    const list = this.learnerMasters;
    if (list.enabled && this.learnerMastersVersion !== this.config.version) {
      this.learnerMastersVersion = this.config.version;
      list.update(this.config.servers.filter((s) => s.role === 'participant' && s.addresses[0] !== undefined).map((s) => ({ sid: BigInt(s.id), host: s.addresses[0]!.host })));
      this.log.info('learner master list updated', { masters: list.candidates.map((c) => `${c.sid}@${c.host}:${c.port}`).join(',') });
    }
    const { master, wrapped } = list.choose(leader);
    const delayMs = this.o.observerReconnectDelayMs ?? 0;
    if (wrapped && delayMs > 0) {
      const wait = Math.floor(Math.random() * delayMs);
      this.log.info('waiting before reconnecting to a learner master', { ms: wait });
      await new Promise((r) => setTimeout(r, wait));
    }
    this.log.info('observing', { learnerMaster: String(master.sid), address: `${master.host}:${master.port}` });
    this.record(`learner master ${master.sid} at ${master.host}:${master.port}`);
    return master;
  }

  /**
   * Follower.followLeader: once synced, a follower with observerMasterPort serves observers there.
   * When the port cannot be bound the runner stops the learner, so the peer goes back to election
   * as the reference's follower does.
   */
  startMaster(link: LearnerRunner): void {
    const port = this.o.observerMasterPort;
    const me = this.config.servers.find((x) => x.id === this.o.myId)?.addresses[0];
    if (port === undefined || port <= 0 || me === undefined || this.masterValue !== null) return;
    const om = startFollowerObserverMaster(
      {
        log: this.log,
        sid: BigInt(this.o.myId),
        listen: { host: me.host, port },
        ...(this.o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: this.o.listenOnAllIPs }),
        lengthMax: (this.o.server.juteMaxBuffer ?? 0xfffff) + 1024,
        tickTimeMs: this.o.server.tickTimeMs,
        initLimit: this.o.initLimit,
        syncLimit: this.o.syncLimit,
        configText: this.o.reconfigEnabled === true ? this.config.lastSeenText : this.config.text,
        ...(this.o.observerMasterSizeLimit === undefined ? {} : { sizeLimit: this.o.observerMasterSizeLimit }),
        storage: this.storage,
        link,
        ...(this.adminKey === undefined ? {} : { adminKey: this.adminKey }),
      },
      () => {
        if (this.masterValue === om) this.masterValue = null;
      },
    );
    this.masterValue = om;
    this.record(`observer master on ${me.host}:${port}`);
  }

  stopMaster(reason: string): void {
    this.masterValue?.stop(reason);
    this.masterValue = null;
  }
}
