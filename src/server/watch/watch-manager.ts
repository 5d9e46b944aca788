// The server's watches (the reference's two WatchManagers held by DataTree: one for data watches,
// one for child watches), as a pure structure: registrations in, events out. The caller sends the
// events; `W` is whatever identifies a connection (compared by identity).
//
// Delivery order: the reference collects a trigger's watchers in a HashSet of connection objects,
// so its order across connections is arbitrary (identity hashes) and no client can observe it:
// each connection sees only its own events, and gets at most one per trigger. We deliver in a
// deterministic order instead: watchers on the triggering path first, then those on each ancestor
// from the nearest up, each path's watchers in registration order.

import { ErrCode, OpCode } from '../../protocol/opcodes';
import { SetWatches, SetWatches2 } from '../../protocol/generated';
import type { WatchTrigger } from '../../tree/types';
import { EventType, WatchMode, WatchTable, type WatchModeValue } from './watch-table';

/** Server-sent events always carry SyncConnected. */
export const SYNC_CONNECTED = 3;

/** checkWatches/removeWatches types (Watcher.WatcherType). */
export const WatcherType = { children: 1, data: 2, any: 3 } as const;

/** addWatch modes (ZooDefs.AddWatchModes). */
export const AddWatchMode = { persistent: 0, persistentRecursive: 1 } as const;

export interface WatchEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

export interface WatchDelivery<W> {
  watcher: W;
  event: WatchEvent;
}

/** The paths a reconnecting client re-registers (SetWatches / SetWatches2). */
export interface SetWatchesLists {
  data: ReadonlyArray<string | null> | null;
  exist: ReadonlyArray<string | null> | null;
  child: ReadonlyArray<string | null> | null;
  persistent?: ReadonlyArray<string | null> | null;
  persistentRecursive?: ReadonlyArray<string | null> | null;
}

/** What setWatches needs from the tree: mzxid and pzxid of a node, null if it does not exist. */
export interface WatchZxidSource {
  watchZxids(path: string): { mzxid: bigint; pzxid: bigint } | null;
}

/** Events to send before the reply, and the reply's error (0, or MARSHALLINGERROR). */
export interface SetWatchesOutcome {
  events: WatchEvent[];
  err: number;
}

/**
 * A mode or watcher type the reference cannot convert: it throws, and the request's reply is
 * MARSHALLINGERROR. Thrown before anything changes.
 */
export class WatchArgumentError extends Error {
  readonly code = 'ZKTS_WATCH_ARGUMENT';
}

export interface WatchManagerOptions<W> {
  /** Registrations for a watcher this says is gone are ignored (the reference's stale-connection check). */
  isDead?: (watcher: W) => boolean;
}

export interface WatchSummary {
  /** Watchers that have held a data watch since they last were removed (may now hold none). */
  connections: number;
  paths: number;
  total: number;
}

const TRIGGER_EVENT: Readonly<Record<WatchTrigger['type'], number>> = {
  created: EventType.nodeCreated,
  deleted: EventType.nodeDeleted,
  dataChanged: EventType.nodeDataChanged,
  childrenChanged: EventType.nodeChildrenChanged,
};

function event(type: number, path: string): WatchEvent {
  return { type, state: SYNC_CONNECTED, path };
}

export class WatchManager<W> {
  private readonly dataWatches = new WatchTable<W>();
  private readonly childWatches = new WatchTable<W>();
  private readonly isDead: ((watcher: W) => boolean) | undefined;

  constructor(options: WatchManagerOptions<W> = {}) {
    this.isDead = options.isDead;
  }

  // ---------------------------------------------------------------- registration

  /** exists(watch) (even on a missing node: that is how NodeCreated arrives) and getData(watch). */
  addDataWatch(path: string, watcher: W): void {
    if (this.isDead?.(watcher) !== true) this.dataWatches.add(path, watcher, WatchMode.standard);
  }

  /** getChildren(watch) / getChildren2(watch). */
  addChildWatch(path: string, watcher: W): void {
    if (this.isDead?.(watcher) !== true) this.childWatches.add(path, watcher, WatchMode.standard);
  }

  /**
   * addWatch: registers `mode` (0 persistent, 1 persistent recursive) in both tables, replacing
   * whatever mode this watcher had on this path in each. Throws WatchArgumentError for other modes.
   */
  addWatch(path: string, watcher: W, mode: number): void {
    const m = persistentMode(mode);
    if (this.isDead?.(watcher) === true) return;
    this.dataWatches.add(path, watcher, m);
    this.childWatches.add(path, watcher, m);
  }

  /** The connection closed: drop all its watches. */
  removeWatcher(watcher: W): void {
    this.dataWatches.removeWatcher(watcher);
    this.childWatches.removeWatcher(watcher);
  }

  // ---------------------------------------------------------------- triggers

  /**
   * The events one tree trigger fires. created / dataChanged: the data table; childrenChanged: the
   * child table; deleted: the data table, then the child table for watchers not already notified
   * (their one-shot child watches are consumed all the same).
   */
  trigger(t: WatchTrigger): WatchDelivery<W>[] {
    if (this.dataWatches.size === 0 && this.childWatches.size === 0) return [];
    const type = TRIGGER_EVENT[t.type];
    const notified = new Set<W>();
    if (t.type === 'childrenChanged') this.childWatches.collect(t.path, type, notified);
    else this.dataWatches.collect(t.path, type, notified);
    if (t.type === 'deleted' && this.childWatches.size > 0) {
      const viaChild = new Set<W>();
      this.childWatches.collect(t.path, type, viaChild);
      for (const w of viaChild) notified.add(w);
    }
    if (notified.size === 0) return [];
    const e = event(type, t.path);
    const out: WatchDelivery<W>[] = [];
    for (const watcher of notified) out.push({ watcher, event: e });
    return out;
  }

  /** All triggers of one txn, in order. */
  triggerAll(triggers: readonly WatchTrigger[]): WatchDelivery<W>[] {
    const out: WatchDelivery<W>[] = [];
    for (const t of triggers) for (const d of this.trigger(t)) out.push(d);
    return out;
  }

  // ---------------------------------------------------------------- setWatches

  /**
   * A reconnecting client's watches (DataTree.setWatches). In list order: data paths fire
   * NodeDeleted if the node is gone or NodeDataChanged if mzxid > relativeZxid, else register;
   * exist paths fire NodeCreated if the node exists, else register; child paths fire NodeDeleted
   * if gone or NodeChildrenChanged if pzxid > relativeZxid, else register; persistent and
   * recursive paths register without catch-up. A null list or path stops processing there with
   * MARSHALLINGERROR (the reference's NPE); what was done before stands.
   */
  setWatches(relativeZxid: bigint, lists: SetWatchesLists, watcher: W, tree: WatchZxidSource): SetWatchesOutcome {
    const events: WatchEvent[] = [];
    const fail = (): SetWatchesOutcome => ({ events, err: ErrCode.MARSHALLINGERROR });
    if (lists.data === null) return fail();
    for (const path of lists.data) {
      if (path === null) return fail();
      const z = tree.watchZxids(path);
      if (z === null) events.push(event(EventType.nodeDeleted, path));
      else if (z.mzxid > relativeZxid) events.push(event(EventType.nodeDataChanged, path));
      else this.addDataWatch(path, watcher);
    }
    if (lists.exist === null) return fail();
    for (const path of lists.exist) {
      if (path === null) return fail();
      if (tree.watchZxids(path) !== null) events.push(event(EventType.nodeCreated, path));
      else this.addDataWatch(path, watcher);
    }
    if (lists.child === null) return fail();
    for (const path of lists.child) {
      if (path === null) return fail();
      const z = tree.watchZxids(path);
      if (z === null) events.push(event(EventType.nodeDeleted, path));
      else if (z.pzxid > relativeZxid) events.push(event(EventType.nodeChildrenChanged, path));
      else this.addChildWatch(path, watcher);
    }
    for (const [list, mode] of [
      // Absent for setWatches (101): the reference passes empty lists.
      [lists.persistent === undefined ? [] : lists.persistent, WatchMode.persistent],
      [lists.persistentRecursive === undefined ? [] : lists.persistentRecursive, WatchMode.persistentRecursive],
    ] as const) {
      if (list === null) return fail();
      for (const path of list) {
        if (path === null) return fail();
        if (this.isDead?.(watcher) === true) continue;
        this.childWatches.add(path, watcher, mode);
        this.dataWatches.add(path, watcher, mode);
      }
    }
    return { events, err: 0 };
  }

  /** setWatches (101) or setWatches2 (105) from the request body; a body that does not decode is MARSHALLINGERROR. */
  setWatchesFromRequest(opcode: number, body: Buffer, watcher: W, tree: WatchZxidSource): SetWatchesOutcome {
    let relativeZxid: bigint;
    let lists: SetWatchesLists;
    try {
      if (opcode === OpCode.setWatches2) {
        const r = SetWatches2.decode(body);
        relativeZxid = r.relativeZxid;
        lists = { data: r.dataWatches, exist: r.existWatches, child: r.childWatches, persistent: r.persistentWatches, persistentRecursive: r.persistentRecursiveWatches };
      } else {
        const r = SetWatches.decode(body);
        relativeZxid = r.relativeZxid;
        lists = { data: r.dataWatches, exist: r.existWatches, child: r.childWatches };
      }
    } catch {
      return { events: [], err: ErrCode.MARSHALLINGERROR };
    }
    return this.setWatches(relativeZxid, lists, watcher, tree);
  }

  // ---------------------------------------------------------------- checkWatches / removeWatches

  /**
   * checkWatches: true (reply OK) or false (NOWATCHER). As in 3.8.0 this is true when any
   * connection has a watch of the asked kind on exactly this path. Throws WatchArgumentError for a
   * type other than 1 children, 2 data, 3 any.
   */
  checkWatches(path: string, type: number, _watcher: W): boolean {
    switch (watcherType(type)) {
      case WatcherType.children:
        return this.childWatches.containsAny(path);
      case WatcherType.data:
        return this.dataWatches.containsAny(path);
      default:
        return this.childWatches.containsAny(path) || this.dataWatches.containsAny(path);
    }
  }

  /**
   * removeWatches: removes this watcher's watch of the asked kind on exactly this path, whatever
   * its mode; false (NOWATCHER) if it had none. Type any removes from both tables.
   */
  removeWatches(path: string, type: number, watcher: W): boolean {
    switch (watcherType(type)) {
      case WatcherType.children:
        return this.childWatches.remove(path, watcher);
      case WatcherType.data:
        return this.dataWatches.remove(path, watcher);
      default: {
        const child = this.childWatches.remove(path, watcher);
        const data = this.dataWatches.remove(path, watcher);
        return child || data;
      }
    }
  }

  // ---------------------------------------------------------------- views

  /** mntr's watch_count: pairs in both tables. */
  watchCount(): number {
    return this.dataWatches.size + this.childWatches.size;
  }

  /** Recursive watch registrations (path, watcher) in the data table. */
  recursiveWatchCount(): number {
    return this.dataWatches.recursiveWatchCount;
  }

  /** wchs: the data table only, as in the reference. */
  summary(): WatchSummary {
    return { connections: this.dataWatches.watcherCount, paths: this.dataWatches.pathCount, total: this.dataWatches.size };
  }

  /** wchc: data-table paths per watcher. */
  dataWatchesByWatcher(): Array<[W, string[]]> {
    return this.dataWatches.pathsByWatcher();
  }

  /** wchp: data-table watchers per path. */
  dataWatchesByPath(): Array<[string, W[]]> {
    return this.dataWatches.watchersByPath();
  }

  /** The modes a watcher holds on a path, per table (for tests and debugging). */
  modes(path: string, watcher: W): { data: WatchModeValue | undefined; child: WatchModeValue | undefined } {
    return { data: this.dataWatches.modeOf(path, watcher), child: this.childWatches.modeOf(path, watcher) };
  }
}

function persistentMode(mode: number): WatchModeValue {
  if (mode === AddWatchMode.persistent) return WatchMode.persistent;
  if (mode === AddWatchMode.persistentRecursive) return WatchMode.persistentRecursive;
  throw new WatchArgumentError(`unsupported addWatch mode: ${mode}`);
}

function watcherType(type: number): number {
  if (type === WatcherType.children || type === WatcherType.data || type === WatcherType.any) return type;
  throw new WatchArgumentError(`invalid watcher type: ${type}`);
}
