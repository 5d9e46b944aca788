// The learner side of Zab (Learner.registerWithLeader/syncWithLeader, Follower/Observer
// .processPacket at release-3.8.0-1) as a deterministic state machine. One instance lives for one
// connection to one leader; any failure ends it with `disconnect` (back to election) or `fatal`.
//
// The reference's learner is one thread that blocks on its own disk writes before reading the next
// packet. Here a blocking disk output sets `blockedOn`; packets that arrive meanwhile wait in the
// inbox and are processed, in order, once the token is confirmed.
//
// NEWLEADER follows the 3.8.5+/3.9.2+ order (ZOOKEEPER-4643/4646/4785) rather than 3.8.0's: the
// txns received during sync are logged and fsynced, then currentEpoch is written, then the
// NEWLEADER ACK goes out. The wire is the same; the difference is that a learner never acks
// NEWLEADER (letting the leader count it toward a quorum) while its copy of the history is still
// only in memory. We also log the still-uncommitted sync proposals at that point (3.9 logs them
// after UPTODATE) and ack them right after the UPTODATE ACK.

import { TxnFormatError } from '../../persistence/txn';
import type { QuorumPacket } from '../../protocol/generated';
import { JuteDecodeError } from '../../protocol/jute/runtime';
import { epochOf, makeZxid, type Zxid } from '../types';
import { checkTiming, hex, log, type Token, txnFromBytes, type ZabTxn } from './common';
import type { LearnerInput, LearnerOptions, LearnerOutput } from './learner-types';
import { ExitCode } from './learner-types';
import { LearnerBroadcast } from './learner-broadcast';
import { bare, describePacket, PacketType, packetTypeName, withData } from './packets';
import * as pl from './payloads';
import { reconfigTextOf } from '../reconfig/txn-config';

export type LearnerPhase = 'registering' | 'firstSync' | 'syncing' | 'awaitUptodate' | 'broadcast' | 'stopped';

/** Packets held while blocked on the learner's own disk; a sane leader sends far fewer. */
const INBOX_PACKETS_MAX = 100_000;

export class ZabLearner {
  private phaseValue: LearnerPhase = 'registering';
  private acceptedEpoch: bigint;
  private currentEpochValue: bigint;
  private newEpochValue = -1n;
  private blockedOn: Token | null = null;
  private readonly inbox: QuorumPacket[] = [];
  private nextToken = 1;
  private readonly continuations = new Map<Token, () => void>();
  private readDeadlineMs: number | null;
  private now: number;
  private syncModeValue: 'DIFF' | 'SNAP' | 'TRUNC' | null = null;
  private snapshotNeeded = true;
  private syncSnapshot = false;
  private writeToTxnLog = false;
  private newLeaderDone = false;
  private lastQueued: Zxid = 0n;
  /** reconfigEnabled: NEWLEADER's config, activated at UPTODATE (Learner.syncWithLeader's newLeaderQV). */
  private newLeaderConfig: string | null = null;
  /** Sync: txns received and not yet logged (packetsNotLogged). */
  private held: ZabTxn[] = [];
  /** Sync: COMMIT zxids not yet applied (packetsCommitted). */
  private committedZxids: Zxid[] = [];
  private readonly broadcast: LearnerBroadcast;
  private out: LearnerOutput[] = [];

  constructor(private readonly opts: LearnerOptions) {
    checkTiming(opts);
    this.acceptedEpoch = opts.acceptedEpoch;
    this.currentEpochValue = opts.currentEpoch;
    this.now = opts.nowMs;
    this.readDeadlineMs = opts.nowMs + this.initMs;
    this.broadcast = new LearnerBroadcast({
      kind: opts.kind,
      ...(opts.reconfigEnabled === undefined ? {} : { reconfigEnabled: opts.reconfigEnabled }),
      emit: (o) => this.out.push(o),
      token: (then) => this.token(then),
      disconnect: (reason) => this.disconnect(reason),
      fatal: (code, reason) => this.fatal(code, reason),
    });
  }

  get phase(): LearnerPhase {
    return this.phaseValue;
  }
  /** The leader's epoch, once LEADERINFO arrived. */
  get newEpoch(): bigint {
    return this.newEpochValue;
  }
  get currentEpoch(): bigint {
    return this.currentEpochValue;
  }
  /** How the leader is syncing us (QuorumPeer.SyncMode), null before the first sync packet. */
  get syncMode(): 'DIFF' | 'SNAP' | 'TRUNC' | null {
    return this.syncModeValue;
  }
  get pendingCount(): number {
    return this.broadcast.pendingCount;
  }
  get blocked(): boolean {
    return this.blockedOn !== null;
  }

  private get initMs(): number {
    return this.opts.initLimit * this.opts.tickTimeMs;
  }
  private get syncMs(): number {
    return this.opts.syncLimit * this.opts.tickTimeMs;
  }
  private get follower(): boolean {
    return this.opts.kind === 'follower';
  }

  /** Connected to the leader: FOLLOWERINFO / OBSERVERINFO. */
  start(): LearnerOutput[] {
    const type = this.follower ? PacketType.FOLLOWERINFO : PacketType.OBSERVERINFO;
    this.send(withData(type, makeZxid(this.acceptedEpoch, 0n), pl.encodeLearnerInfo(this.opts.sid, this.opts.configVersion)));
    return this.flush();
  }

  step(input: LearnerInput): LearnerOutput[] {
    if (this.phaseValue === 'stopped') return [];
    this.now = input.nowMs;
    switch (input.type) {
      case 'packet':
        this.receive(input.packet);
        break;
      case 'persisted':
        this.onPersisted(input.token);
        break;
      case 'tick':
        if (this.readDeadlineMs !== null && this.blockedOn === null && input.nowMs >= this.readDeadlineMs) {
          this.disconnect(`Read timed out: nothing from the leader for ${this.newLeaderDone ? this.syncMs : this.initMs} ms`);
        }
        break;
      case 'closed':
        this.disconnect('connection to the leader closed');
        break;
      case 'forwardRequest':
        if (this.phaseValue === 'broadcast') {
          const r = input.request;
          this.send({ type: PacketType.REQUEST, zxid: -1n, data: pl.encodeRequest(r), authinfo: r.authinfo });
        } else {
          this.out.push(log('warn', `request 0x${input.request.sessionId.toString(16)}:${input.request.cxid} not forwarded: not serving yet`));
        }
        break;
      case 'revalidateSession':
        if (this.phaseValue === 'broadcast') this.send(withData(PacketType.REVALIDATE, -1n, pl.encodeRevalidateRequest(input.sessionId, input.timeoutMs)));
        break;
      case 'touchSession':
        this.broadcast.touch(input.sessionId, input.timeoutMs);
        break;
    }
    return this.flush();
  }

  nextWakeMs(): number | null {
    return this.phaseValue === 'stopped' || this.blockedOn !== null ? null : this.readDeadlineMs;
  }

  private flush(): LearnerOutput[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private send(packet: QuorumPacket): void {
    this.out.push({ type: 'send', packet });
  }

  private token(then: () => void): Token {
    const t = this.nextToken++;
    this.continuations.set(t, then);
    return t;
  }

  /** Blocks packet processing until `token` is confirmed, then runs `then`. */
  private block(make: (token: Token) => LearnerOutput, then: () => void): void {
    const t = this.token(then);
    this.blockedOn = t;
    this.readDeadlineMs = null;
    this.out.push(make(t));
  }

  private onPersisted(token: Token): void {
    const then = this.continuations.get(token);
    if (then === undefined) return;
    this.continuations.delete(token);
    if (token === this.blockedOn) {
      this.blockedOn = null;
      // The reference's next read starts after the disk write, with a fresh socket timeout.
      this.readDeadlineMs = this.now + (this.newLeaderDone ? this.syncMs : this.initMs);
    }
    then();
    while (this.blockedOn === null && this.inbox.length > 0 && this.phaseValue !== 'stopped') this.process(this.inbox.shift()!);
  }

  private receive(p: QuorumPacket): void {
    if (this.blockedOn !== null) {
      if (this.inbox.length >= INBOX_PACKETS_MAX) return this.disconnect(`more than ${INBOX_PACKETS_MAX} packets arrived while blocked on disk`);
      this.inbox.push(p);
      return;
    }
    this.process(p);
  }

  private process(p: QuorumPacket): void {
    this.readDeadlineMs = this.now + (this.newLeaderDone ? this.syncMs : this.initMs);
    try {
      switch (this.phaseValue) {
        case 'registering':
          return this.onLeaderInfo(p);
        case 'firstSync':
          return this.onFirstSyncPacket(p);
        case 'syncing':
        case 'awaitUptodate':
          return this.onSyncPacket(p);
        case 'broadcast':
          return this.broadcast.packet(p);
        case 'stopped':
          return;
      }
    } catch (e) {
      if (e instanceof pl.QuorumPayloadError || e instanceof TxnFormatError || e instanceof JuteDecodeError) {
        return this.disconnect(`bad ${packetTypeName(p.type)} from the leader: ${e.message}`);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- discovery

  private onLeaderInfo(p: QuorumPacket): void {
    if (p.type !== PacketType.LEADERINFO) {
      return this.disconnect(`First packet should have been LEADERINFO, got ${describePacket(p)} (pre-Zab-1.0 leaders are not supported)`);
    }
    pl.decodeInt(PacketType.LEADERINFO, p.data, 'LEADERINFO protocol version');
    const newEpoch = epochOf(p.zxid);
    this.newEpochValue = newEpoch;
    const ackEpoch = (epochField: number): void => {
      this.send(withData(PacketType.ACKEPOCH, this.opts.lastLoggedZxid, pl.encodeInt(epochField)));
      this.phaseValue = 'firstSync';
    };
    if (newEpoch > this.acceptedEpoch) {
      const current = Number(BigInt.asIntN(32, this.currentEpochValue));
      this.block(
        (token) => ({ type: 'persistEpoch', which: 'accepted', epoch: newEpoch, token }),
        () => {
          this.acceptedEpoch = newEpoch;
          ackEpoch(current);
        },
      );
    } else if (newEpoch === this.acceptedEpoch) {
      // Already acked this epoch: -1 says "do not count me", the leader still syncs us.
      ackEpoch(-1);
    } else {
      this.disconnect(`Leaders epoch, ${newEpoch} is less than accepted epoch, ${this.acceptedEpoch}`);
    }
  }

  // ---------------------------------------------------------------- sync

  private onFirstSyncPacket(p: QuorumPacket): void {
    this.phaseValue = 'syncing';
    switch (p.type) {
      case PacketType.DIFF:
        this.syncModeValue = 'DIFF';
        this.snapshotNeeded = false;
        this.writeToTxnLog = true;
        return;
      case PacketType.SNAP:
        this.syncModeValue = 'SNAP';
        this.syncSnapshot = true;
        return this.block((token) => ({ type: 'loadSnapshot', zxid: p.zxid, token }), () => undefined);
      case PacketType.TRUNC:
        this.syncModeValue = 'TRUNC';
        return this.block((token) => ({ type: 'truncateLog', zxid: p.zxid, token }), () => undefined);
      default:
        this.fatal(ExitCode.QUORUM_PACKET_ERROR, `Got unexpected packet from leader: ${describePacket(p)}, exiting ... `);
    }
  }

  private onSyncPacket(p: QuorumPacket): void {
    switch (p.type) {
      case PacketType.PROPOSAL: {
        const t = txnFromBytes(p.data ?? Buffer.alloc(0));
        if (!this.enforceContinuous(t)) return;
        this.held.push(t);
        const proposed = this.opts.reconfigEnabled === true ? reconfigTextOf(t) : null;
        if (proposed !== null) this.out.push({ type: 'configProposed', config: proposed });
        return;
      }
      case PacketType.COMMIT:
        return this.onSyncCommit(p.zxid);
      // With reconfig off these are a COMMIT / INFORM (processReconfig returns at once).
      case PacketType.COMMITANDACTIVATE:
        return this.onSyncCommitAndActivate(p);
      case PacketType.INFORMANDACTIVATE:
        return this.onSyncInformAndActivate(p);
      case PacketType.INFORM: {
        const t = txnFromBytes(p.data ?? Buffer.alloc(0));
        if (!this.enforceContinuous(t)) return;
        if (!this.writeToTxnLog) {
          this.out.push({ type: 'applyCommitted', txn: t });
        } else {
          this.held.push(t);
          this.committedZxids.push(p.zxid);
        }
        return;
      }
      case PacketType.NEWLEADER:
        if (this.phaseValue === 'awaitUptodate') {
          this.out.push(log('warn', 'second NEWLEADER ignored'));
          return;
        }
        return this.onNewLeader(p);
      case PacketType.UPTODATE:
        if (this.phaseValue !== 'awaitUptodate') return this.disconnect('UPTODATE before NEWLEADER (pre-Zab-1.0 leaders are not supported)');
        return this.onUpToDate();
      default:
        // PING and anything else: the reference's sync loop ignores them.
        return;
    }
  }

  /**
   * Sync: the config is activated before the commit is handled; a change of role or leader ends
   * the connection there (Learner.syncWithLeader throws "changes proposed in reconfig").
   */
  private onSyncCommitAndActivate(p: QuorumPacket): void {
    const { designatedLeader } = pl.decodeActivate(p.type, p.data);
    const head = this.held[0] ?? this.broadcast.oldestPending();
    const config = head !== undefined && head.zxid === p.zxid && this.opts.reconfigEnabled === true ? reconfigTextOf(head) : null;
    if (config !== null) this.out.push({ type: 'activateConfig', config, designatedLeader, zxid: p.zxid, thenApplies: false });
    this.onSyncCommit(p.zxid);
  }

  /** Sync, observer: like INFORM, after activating the config the txn carries. */
  private onSyncInformAndActivate(p: QuorumPacket): void {
    const { designatedLeader, proposal } = pl.decodeActivate(p.type, p.data);
    const t = txnFromBytes(proposal);
    const config = this.opts.reconfigEnabled === true ? reconfigTextOf(t) : null;
    if (config !== null) this.out.push({ type: 'activateConfig', config, designatedLeader, zxid: p.zxid, thenApplies: false });
    if (!this.writeToTxnLog) {
      this.out.push({ type: 'applyCommitted', txn: t });
    } else {
      this.held.push(t);
      this.committedZxids.push(p.zxid);
    }
  }

  /** 3.9.4's check: a gap in zxids within an epoch means a lost txn; a new epoch may skip. */
  private enforceContinuous(t: ZabTxn): boolean {
    const z = t.zxid;
    if (this.lastQueued !== 0n && z !== this.lastQueued + 1n) {
      const msg = `DIFF sync got proposal ${hex(z)}, last queued ${hex(this.lastQueued)}, expected ${hex(this.lastQueued + 1n)}`;
      if (epochOf(z) <= epochOf(this.lastQueued)) {
        this.disconnect(msg);
        return false;
      }
      this.out.push(log('warn', msg));
    }
    this.lastQueued = z;
    return true;
  }

  private onSyncCommit(zxid: Zxid): void {
    // After NEWLEADER the proposals still waiting for a commit are already logged (in pending).
    const head = this.held[0] ?? this.broadcast.oldestPending();
    if (head === undefined) return this.disconnect(`COMMIT ${hex(zxid)} during sync without a proposal`);
    if (this.writeToTxnLog) {
      this.committedZxids.push(zxid);
      return;
    }
    // SNAP/TRUNC before NEWLEADER: apply in memory; the NEWLEADER snapshot makes it durable.
    if (head.zxid !== zxid) {
      this.out.push(log('warn', `Committing ${hex(zxid)}, but next proposal is ${hex(head.zxid)}`));
      return;
    }
    this.held.shift();
    this.out.push({ type: 'applyCommitted', txn: head });
  }

  private onNewLeader(p: QuorumPacket): void {
    if (p.data !== null && p.data.length > 1) {
      this.out.push({ type: 'leaderConfig', config: p.data });
      if (this.opts.reconfigEnabled === true) {
        this.newLeaderConfig = p.data.toString('utf8');
        this.out.push({ type: 'configProposed', config: this.newLeaderConfig });
      }
    }
    const newLeaderZxid = p.zxid;
    const logHeld = (): void => {
      this.writeToTxnLog = true;
      if (this.held.length === 0) return applyCommitted();
      const txns = this.held;
      this.block((token) => ({ type: 'persistTxns', token, txns }), applyCommitted);
    };
    const applyCommitted = (): void => {
      // Learner.syncWithLeader (3.9): commits that arrived during sync are applied now.
      for (const zxid of this.committedZxids) {
        const head = this.held[0];
        if (head === undefined) {
          this.out.push(log('warn', `Committing ${hex(zxid)}, but got no proposal`));
          continue;
        }
        if (head.zxid !== zxid) {
          this.out.push(log('warn', `Committing ${hex(zxid)}, but next proposal is ${hex(head.zxid)}`));
          continue;
        }
        this.held.shift();
        this.out.push({ type: 'applyCommitted', txn: head });
      }
      this.committedZxids = [];
      // What is left was proposed but not committed yet: logged now, acked after UPTODATE.
      this.broadcast.adoptLogged(this.held);
      this.held = [];
      writeEpoch();
    };
    const writeEpoch = (): void => {
      const epoch = this.newEpochValue;
      this.block(
        (token) => ({ type: 'persistEpoch', which: 'current', epoch, token }),
        () => {
          this.currentEpochValue = epoch;
          this.newLeaderDone = true;
          this.readDeadlineMs = this.now + this.syncMs;
          this.phaseValue = 'awaitUptodate';
          this.send(bare(PacketType.ACK, newLeaderZxid));
        },
      );
    };
    if (this.snapshotNeeded) {
      const sync = this.syncSnapshot;
      this.block((token) => ({ type: 'takeSnapshot', sync, token }), logHeld);
    } else {
      logHeld();
    }
  }

  private onUpToDate(): void {
    // Learner.syncWithLeader: NEWLEADER's config is activated before the UPTODATE ACK.
    if (this.newLeaderConfig !== null) this.out.push({ type: 'activateConfig', config: this.newLeaderConfig, designatedLeader: null, zxid: null, thenApplies: false });
    this.send(bare(PacketType.ACK, makeZxid(this.newEpochValue, 0n)));
    this.phaseValue = 'broadcast';
    this.out.push({ type: 'serve', epoch: this.newEpochValue });
    const held = this.held;
    const committed = this.committedZxids;
    this.held = [];
    this.committedZxids = [];
    const b = this.broadcast;
    b.lastQueued = this.lastQueued;
    if (this.follower) {
      b.flushAcks();
      for (const t of held) b.logProposal(t);
      for (const zxid of committed) b.commit(zxid);
      return;
    }
    // Observer: only txns with a matching commit are applied (Learner.syncWithLeader).
    const dropped = b.dropPending();
    if (dropped > 0) this.out.push(log('warn', `${dropped} uncommitted sync txns dropped by an observer`));
    for (const t of held) {
      if (committed[0] !== t.zxid) {
        this.out.push(log('warn', `Committing ${committed[0] === undefined ? 'nothing' : hex(committed[0])}, but next proposal is ${hex(t.zxid)}`));
        continue;
      }
      committed.shift();
      b.logAndApply(t);
    }
  }

  // ---------------------------------------------------------------- endings

  private disconnect(reason: string): void {
    if (this.phaseValue === 'stopped') return;
    this.phaseValue = 'stopped';
    this.out.push({ type: 'disconnect', reason });
  }

  private fatal(exitCode: number, reason: string): void {
    if (this.phaseValue === 'stopped') return;
    this.phaseValue = 'stopped';
    this.out.push({ type: 'fatal', exitCode, reason });
  }
}
