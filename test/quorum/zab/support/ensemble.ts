// A tiny deterministic harness that wires one ZabLeader and several ZabLearners together in memory:
// real packet bytes through QuorumPacketDecoder (chunked by a seeded PRNG), real SNAP streams, real
// DataTrees, and a fake disk whose operations complete when the harness says so. It is not the
// seeded simulator (no message loss or reordering); it exists to run whole discovery / sync /
// broadcast sequences end to end and to record what happened in what order.

import { readSnapStream, SnapStreamReader, writeSnapStream } from '../../../../src/persistence/snapshot';
import type { QuorumPacket } from '../../../../src/protocol/generated';
import { encodeQuorumPacket, QuorumPacketDecoder } from '../../../../src/quorum/transport/quorum-packet-stream';
import { majorityMembers, type QuorumMembers } from '../../../../src/quorum/types';
import type { Token, ZabTxn } from '../../../../src/quorum/zab/common';
import { ZabLeader } from '../../../../src/quorum/zab/leader';
import type { LeaderOptions, LeaderOutput } from '../../../../src/quorum/zab/leader-types';
import { ZabLearner } from '../../../../src/quorum/zab/learner';
import type { LearnerKind, LearnerOutput } from '../../../../src/quorum/zab/learner-types';
import { DataTree } from '../../../../src/tree';
import { prng } from '../../../support/prng';
import { renderPacket } from './render';

export interface Disk {
  log: ZabTxn[];
  snapshot: { zxid: bigint; bytes: Buffer } | null;
  acceptedEpoch: bigint;
  currentEpoch: bigint;
}

export function emptyDisk(): Disk {
  return { log: [], snapshot: null, acceptedEpoch: 0n, currentEpoch: 0n };
}

/** The tree a server would load at start-up: the snapshot, then every logged txn after it. */
export function loadTree(disk: Disk): DataTree {
  let tree = new DataTree();
  if (disk.snapshot !== null) {
    const loader = DataTree.loader();
    readSnapStream(disk.snapshot.bytes, loader);
    tree = loader.finish(disk.snapshot.zxid);
  }
  for (const t of disk.log) if (t.zxid > tree.lastProcessedZxid) tree.applyTxn(t.txn);
  return tree;
}

interface Link {
  readonly conn: number;
  readonly leader: Peer;
  readonly learner: Peer;
  readonly toLeader: Buffer[];
  readonly toLearner: Buffer[];
  readonly leaderDecoder: QuorumPacketDecoder;
  readonly learnerDecoder: QuorumPacketDecoder;
  open: boolean;
}

export class Peer {
  tree: DataTree;
  leader: ZabLeader | null = null;
  learner: ZabLearner | null = null;
  link: Link | null = null;
  serving = false;
  /** Disk operations not yet completed, oldest first. */
  readonly diskQueue: { label: string; run: () => void; token: Token }[] = [];
  holdDisk = false;
  /** Set by a loadSnapshot output while its SNAP packet is being handled. */
  snapshotToLoad: { zxid: bigint; token: Token } | null = null;
  readonly applied: bigint[] = [];
  readonly ended: string[] = [];

  constructor(
    readonly sid: bigint,
    readonly disk: Disk,
  ) {
    this.tree = loadTree(disk);
  }
}

export interface EnsembleOptions {
  seed?: number;
  tickTimeMs?: number;
  initLimit?: number;
  syncLimit?: number;
  leader?: Partial<LeaderOptions>;
}

export class Ensemble {
  now = 0;
  readonly peers = new Map<bigint, Peer>();
  readonly trace: string[] = [];
  readonly leaderOutputs: LeaderOutput[] = [];
  readonly learnerOutputs: { sid: bigint; out: LearnerOutput }[] = [];
  /** Handles a learner's forwarded request at the leader; the default ignores it. */
  onLearnerRequest: (o: Extract<LeaderOutput, { type: 'learnerRequest' }>) => void = () => undefined;
  private links: Link[] = [];
  private nextConn = 1;
  private readonly rand: () => number;
  members: QuorumMembers;

  constructor(
    disks: Record<string, Disk>,
    private readonly opts: EnsembleOptions = {},
    observers: bigint[] = [],
  ) {
    this.rand = prng(opts.seed ?? 1);
    for (const [sid, disk] of Object.entries(disks)) this.peers.set(BigInt(sid), new Peer(BigInt(sid), disk));
    this.members = majorityMembers([...this.peers.keys()].filter((s) => !observers.includes(s)), observers);
  }

  peer(sid: bigint | number): Peer {
    const p = this.peers.get(BigInt(sid));
    if (p === undefined) throw new Error(`no peer ${sid}`);
    return p;
  }

  private timing(): { tickTimeMs: number; initLimit: number; syncLimit: number } {
    return { tickTimeMs: this.opts.tickTimeMs ?? 2000, initLimit: this.opts.initLimit ?? 10, syncLimit: this.opts.syncLimit ?? 5 };
  }

  /** `sid` starts leading (as if elected); call connect() for each learner. */
  lead(sid: bigint | number): ZabLeader {
    const p = this.peer(sid);
    p.tree = loadTree(p.disk);
    p.serving = false;
    const committed = p.disk.log.filter((t) => t.zxid <= p.tree.lastProcessedZxid);
    const m = new ZabLeader({
      sid: p.sid,
      members: this.members,
      acceptedEpoch: p.disk.acceptedEpoch,
      currentEpoch: p.disk.currentEpoch,
      lastProcessedZxid: p.tree.lastProcessedZxid,
      committedLog: committed.slice(-500),
      newLeaderConfig: (z) => Buffer.from(`server.1=127.0.0.1:2888:3888:participant\nversion=${z.toString(16)}`),
      ...this.timing(),
      ...this.opts.leader,
      nowMs: this.now,
    });
    p.leader = m;
    this.handleLeader(p, m.start());
    return m;
  }

  /** `sid` (re)starts from its disk and connects to the leader `leaderSid`. */
  connect(sid: bigint | number, leaderSid: bigint | number, kind: LearnerKind = this.members.observers.has(BigInt(sid)) ? 'observer' : 'follower'): ZabLearner {
    const p = this.peer(sid);
    const leader = this.peer(leaderSid);
    if (leader.leader === null) throw new Error(`${leaderSid} is not leading`);
    p.tree = loadTree(p.disk);
    p.serving = false;
    const m = new ZabLearner({
      sid: p.sid,
      kind,
      acceptedEpoch: p.disk.acceptedEpoch,
      currentEpoch: p.disk.currentEpoch,
      lastLoggedZxid: p.tree.lastProcessedZxid,
      configVersion: 0n,
      ...this.timing(),
      nowMs: this.now,
    });
    p.learner = m;
    const link: Link = {
      conn: this.nextConn++,
      leader,
      learner: p,
      toLeader: [],
      toLearner: [],
      leaderDecoder: new QuorumPacketDecoder(),
      learnerDecoder: new QuorumPacketDecoder(),
      open: true,
    };
    p.link = link;
    this.links.push(link);
    this.handleLeader(leader, leader.leader.step({ type: 'connected', conn: link.conn, nowMs: this.now }));
    this.handleLearner(p, m.start());
    return m;
  }

  /** Closes a learner's connection from the network (both sides notice). */
  cut(sid: bigint | number): void {
    const p = this.peer(sid);
    if (p.link !== null) this.closeLink(p.link, 'cut');
  }

  /** Delivers bytes and completes disk writes until nothing moves. */
  settle(maxRounds = 100_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const link of [...this.links]) {
        if (!link.open) continue;
        if (link.toLearner.length > 0) {
          moved = true;
          this.deliver(link, 'toLearner');
        }
        if (link.open && link.toLeader.length > 0) {
          moved = true;
          this.deliver(link, 'toLeader');
        }
      }
      for (const p of this.peers.values()) {
        if (!p.holdDisk && p.diskQueue.length > 0) {
          moved = true;
          this.completeDisk(p);
        }
      }
      if (!moved) return;
    }
    throw new Error('the ensemble did not settle');
  }

  /** Completes the oldest disk operation of `sid` (also when its disk is held). */
  completeDisk(p: Peer): void {
    const op = p.diskQueue.shift();
    if (op === undefined) return;
    op.run();
    this.trace.push(`${p.sid} disk ${op.label}`);
    const input = { type: 'persisted' as const, token: op.token, nowMs: this.now };
    if (p.leader !== null) this.handleLeader(p, p.leader.step(input));
    else if (p.learner !== null) this.handleLearner(p, p.learner.step(input));
  }

  /** Moves the clock to `toMs`, ticking each machine at its wake times, settling in between. */
  advance(toMs: number): void {
    for (;;) {
      let next: number | null = null;
      for (const p of this.peers.values()) {
        for (const w of [p.leader?.nextWakeMs(), p.learner?.nextWakeMs()]) {
          if (w !== null && w !== undefined && w <= toMs && (next === null || w < next)) next = w;
        }
      }
      if (next === null) break;
      this.now = Math.max(this.now, next);
      for (const p of this.peers.values()) {
        const tick = { type: 'tick' as const, nowMs: this.now };
        if (p.leader !== null && (p.leader.nextWakeMs() ?? Infinity) <= this.now) this.handleLeader(p, p.leader.step(tick));
        if (p.learner !== null && (p.learner.nextWakeMs() ?? Infinity) <= this.now) this.handleLearner(p, p.learner.step(tick));
      }
      this.settle();
    }
    this.now = toMs;
  }

  /** The leader proposes `txn` (must be serving). */
  propose(leaderSid: bigint | number, txn: ZabTxn): void {
    const p = this.peer(leaderSid);
    this.handleLeader(p, p.leader!.step({ type: 'propose', txn, nowMs: this.now }));
  }

  private deliver(link: Link, dir: 'toLeader' | 'toLearner'): void {
    const bytes = Buffer.concat(link[dir].splice(0));
    // Random chunking exercises the decoders' partial-packet paths.
    for (let off = 0; off < bytes.length && link.open; ) {
      const n = 1 + Math.floor(this.rand() * Math.min(bytes.length - off, 200));
      const chunk = bytes.subarray(off, off + n);
      off += n;
      const err = dir === 'toLeader' ? this.feedLeader(link, chunk) : this.feedLearner(link, chunk);
      if (err !== null) throw err;
    }
  }

  private feedLeader(link: Link, chunk: Buffer): Error | null {
    return link.leaderDecoder.feed(chunk, (packet) => {
      const m = link.leader.leader;
      if (m === null || !link.open) return;
      this.trace.push(`${link.leader.sid} <- ${link.learner.sid} ${renderPacket(packet)}`);
      this.handleLeader(link.leader, m.step({ type: 'packet', conn: link.conn, packet: copy(packet), nowMs: this.now }));
    });
  }

  private feedLearner(link: Link, chunk: Buffer): Error | null {
    const p = link.learner;
    return link.learnerDecoder.feed(
      chunk,
      (packet) => {
        if (p.learner === null || !link.open) return;
        this.trace.push(`${p.sid} <- ${link.leader.sid} ${renderPacket(packet)}`);
        this.handleLearner(p, p.learner.step({ type: 'packet', packet: copy(packet), nowMs: this.now }));
        if (p.snapshotToLoad === null) return;
        const loader = DataTree.loader();
        const { zxid, token } = p.snapshotToLoad;
        const reader = new SnapStreamReader(loader);
        return {
          push: (b: Buffer) => {
            const rest = reader.push(b);
            if (rest !== null) {
              reader.end();
              p.tree = loader.finish(zxid);
              p.snapshotToLoad = null;
              this.trace.push(`${p.sid} loaded snapshot ${zxid.toString(16)}`);
              this.handleLearner(p, p.learner!.step({ type: 'persisted', token, nowMs: this.now }));
            }
            return rest;
          },
        };
      },
    );
  }

  private closeLink(link: Link, why: string): void {
    if (!link.open) return;
    link.open = false;
    this.trace.push(`link ${link.learner.sid}-${link.leader.sid} closed (${why})`);
    const l = link.learner;
    if (l.learner !== null) this.handleLearner(l, l.learner.step({ type: 'closed', nowMs: this.now }));
    const d = link.leader;
    if (d.leader !== null) this.handleLeader(d, d.leader.step({ type: 'closed', conn: link.conn, nowMs: this.now }));
  }

  private disk(p: Peer, label: string, token: Token, run: () => void): void {
    p.diskQueue.push({ label, token, run });
  }

  private handleLeader(p: Peer, outs: LeaderOutput[]): void {
    for (const o of outs) {
      this.leaderOutputs.push(o);
      const link = 'to' in o ? this.links.find((l) => l.conn === o.to) : undefined;
      switch (o.type) {
        case 'send':
          if (link?.open) {
            this.trace.push(`${p.sid} -> ${link.learner.sid} ${renderPacket(o.packet)}`);
            link.toLearner.push(encodeQuorumPacket(o.packet));
          }
          break;
        case 'sendSnapshot':
          if (p.tree.lastProcessedZxid !== o.zxid) throw new Error(`SNAP zxid ${o.zxid.toString(16)} but the tree is at ${p.tree.lastProcessedZxid.toString(16)}`);
          if (link?.open) link.toLearner.push(writeSnapStream(p.tree.snapshotSource([])));
          this.handleLeader(p, p.leader!.step({ type: 'snapshotSent', conn: o.to, nowMs: this.now }));
          break;
        case 'close': {
          const l = this.links.find((x) => x.conn === o.conn);
          if (l !== undefined) this.closeLink(l, o.reason);
          break;
        }
        case 'persistTxns':
          this.disk(p, `log ${o.txns.map((t) => t.zxid.toString(16)).join(',')}`, o.token, () => appendLog(p.disk, o.txns));
          break;
        case 'persistEpoch':
          this.disk(p, `${o.which}Epoch=${o.epoch}`, o.token, () => setEpoch(p.disk, o.which, o.epoch));
          break;
        case 'applyCommitted':
          p.tree.applyTxn(o.txn.txn);
          p.applied.push(o.txn.zxid);
          break;
        case 'serve':
          p.tree.lastProcessedZxid = o.zxid;
          p.serving = true;
          this.trace.push(`${p.sid} serving as leader`);
          break;
        case 'learnerRequest':
          this.onLearnerRequest(o);
          break;
        case 'abdicate':
          this.trace.push(`${p.sid} abdicates: ${o.reason}`);
          p.ended.push(o.reason);
          p.leader = null;
          p.serving = false;
          break;
        default:
          break;
      }
    }
  }

  private handleLearner(p: Peer, outs: LearnerOutput[]): void {
    for (const o of outs) {
      this.learnerOutputs.push({ sid: p.sid, out: o });
      switch (o.type) {
        case 'send':
          if (p.link?.open) {
            this.trace.push(`${p.sid} -> ${p.link.leader.sid} ${renderPacket(o.packet)}`);
            p.link.toLeader.push(encodeQuorumPacket(o.packet));
          }
          break;
        case 'persistTxns':
          this.disk(p, `log ${o.txns.map((t) => t.zxid.toString(16)).join(',')}`, o.token, () => appendLog(p.disk, o.txns));
          break;
        case 'persistEpoch':
          this.disk(p, `${o.which}Epoch=${o.epoch}`, o.token, () => setEpoch(p.disk, o.which, o.epoch));
          break;
        case 'applyCommitted':
          p.tree.applyTxn(o.txn.txn);
          p.applied.push(o.txn.zxid);
          break;
        case 'loadSnapshot':
          p.snapshotToLoad = { zxid: o.zxid, token: o.token };
          break;
        case 'truncateLog':
          this.disk(p, `truncate ${o.zxid.toString(16)}`, o.token, () => {
            p.disk.log = p.disk.log.filter((t) => t.zxid <= o.zxid);
            p.tree = loadTree(p.disk);
          });
          break;
        case 'takeSnapshot':
          this.disk(p, `snapshot ${p.tree.lastProcessedZxid.toString(16)}`, o.token, () => {
            p.disk.snapshot = { zxid: p.tree.lastProcessedZxid, bytes: writeSnapStream(p.tree.snapshotSource([])) };
          });
          break;
        case 'serve':
          p.serving = true;
          this.trace.push(`${p.sid} serving`);
          break;
        case 'disconnect':
        case 'fatal':
          this.trace.push(`${p.sid} ${o.type}: ${o.reason}`);
          p.ended.push(o.reason);
          p.learner = null;
          p.serving = false;
          if (p.link !== null) this.closeLink(p.link, o.reason);
          break;
        default:
          break;
      }
    }
  }
}

function appendLog(disk: Disk, txns: readonly ZabTxn[]): void {
  for (const t of txns) {
    const last = disk.log[disk.log.length - 1];
    if (last !== undefined && t.zxid <= last.zxid) throw new Error(`log append 0x${t.zxid.toString(16)} after 0x${last.zxid.toString(16)}`);
    disk.log.push(t);
  }
}

function setEpoch(disk: Disk, which: 'accepted' | 'current', epoch: bigint): void {
  if (which === 'accepted') disk.acceptedEpoch = epoch;
  else disk.currentEpoch = epoch;
}

/** Packets handed out by the decoder may be views of a chunk; machines keep them, so copy. */
function copy(p: QuorumPacket): QuorumPacket {
  return { ...p, data: p.data === null ? null : Buffer.from(p.data) };
}
