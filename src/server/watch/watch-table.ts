// One watch table (the reference keeps two: data and child). Each (path, watcher) pair holds one
// mode; registering again replaces the mode. Entries per path keep registration order, which is
// the order a trigger delivers in (see WatchManager for why).

export const WatchMode = {
  /** One-shot: removed when it fires. */
  standard: 0,
  /** Stays; fires for events on its own path only. */
  persistent: 1,
  /** Stays; fires for its path and everything below, except NodeChildrenChanged. */
  persistentRecursive: 2,
} as const;
export type WatchModeValue = (typeof WatchMode)[keyof typeof WatchMode];

/** Event types (Watcher.Event.EventType). */
export const EventType = {
  none: -1,
  nodeCreated: 1,
  nodeDeleted: 2,
  nodeDataChanged: 3,
  nodeChildrenChanged: 4,
} as const;

/** The path itself, then each ancestor up to "/" (the reference's PathParentIterator). */
function* pathAndAncestors(path: string): Generator<string> {
  let p = path;
  while (p !== '') {
    yield p;
    if (p === '/') return;
    const slash = p.lastIndexOf('/');
    p = slash <= 0 ? (slash === 0 ? '/' : '') : p.slice(0, slash);
  }
}

export class WatchTable<W> {
  private readonly byPath = new Map<string, Map<W, WatchModeValue>>();
  /**
   * Paths per watcher. A watcher whose watches have all fired or been removed keeps an empty set
   * until removeWatcher(w): the reference's summary counts it as a connection watching nothing.
   */
  private readonly byWatcher = new Map<W, Set<string>>();
  private recursiveCount = 0;
  private entries = 0;

  /** Registers (or re-registers with a new mode). Returns true if the pair is new. */
  add(path: string, watcher: W, mode: WatchModeValue): boolean {
    let watchers = this.byPath.get(path);
    if (watchers === undefined) {
      watchers = new Map();
      this.byPath.set(path, watchers);
    }
    const previous = watchers.get(watcher);
    watchers.set(watcher, mode);
    this.countRecursive(previous, mode);
    let paths = this.byWatcher.get(watcher);
    if (paths === undefined) {
      paths = new Set();
      this.byWatcher.set(watcher, paths);
    }
    if (previous === undefined) this.entries++;
    const isNew = !paths.has(path);
    paths.add(path);
    return isNew;
  }

  /** Forgets every watch of `watcher` (its connection closed). */
  removeWatcher(watcher: W): void {
    const paths = this.byWatcher.get(watcher);
    if (paths === undefined) return;
    this.byWatcher.delete(watcher);
    for (const path of paths) this.unlink(path, watcher);
  }

  /** Removes one (path, watcher) pair; false if this watcher has no watch on exactly this path. */
  remove(path: string, watcher: W): boolean {
    const paths = this.byWatcher.get(watcher);
    if (paths === undefined || !paths.delete(path)) return false;
    return this.unlink(path, watcher);
  }

  /**
   * The reference's (3.8.0) containsWatcher, which is loose: true if *any* watcher has a watch on
   * exactly this path, whatever its mode; the asking watcher need not be one of them. Ancestors'
   * recursive watches do not count.
   */
  containsAny(path: string): boolean {
    return this.byPath.has(path);
  }

  /**
   * Collects the watchers an event of `type` on `path` reaches, removing fired one-shot watches.
   * On the path itself every mode fires; on ancestors only recursive watches do; recursive
   * watches never get NodeChildrenChanged. Each watcher appears once, in first-match order.
   */
  collect(path: string, type: number, into: Set<W>): void {
    if (this.byPath.size === 0) return;
    let atPath = true;
    const walk = this.recursiveCount > 0 ? pathAndAncestors(path) : [path];
    for (const p of walk) {
      const watchers = this.byPath.get(p);
      if (watchers !== undefined) {
        for (const [w, mode] of watchers) {
          if (mode === WatchMode.persistentRecursive) {
            if (type !== EventType.nodeChildrenChanged) into.add(w);
          } else if (atPath) {
            into.add(w);
            if (mode === WatchMode.standard) {
              watchers.delete(w);
              this.entries--;
              this.byWatcher.get(w)?.delete(p);
            }
          }
        }
        if (watchers.size === 0) this.byPath.delete(p);
      }
      atPath = false;
    }
  }

  /** The mode of a (path, watcher) pair, if registered. */
  modeOf(path: string, watcher: W): WatchModeValue | undefined {
    return this.byPath.get(path)?.get(watcher);
  }

  /** Number of (path, watcher) pairs. */
  get size(): number {
    return this.entries;
  }

  get pathCount(): number {
    return this.byPath.size;
  }

  get watcherCount(): number {
    return this.byWatcher.size;
  }

  get recursiveWatchCount(): number {
    return this.recursiveCount;
  }

  /** Watchers with their paths (watchers with none left included, as the reference keeps them). */
  pathsByWatcher(): Array<[W, string[]]> {
    return [...this.byWatcher].map(([w, paths]) => [w, [...paths]]);
  }

  watchersByPath(): Array<[string, W[]]> {
    return [...this.byPath].map(([p, ws]) => [p, [...ws.keys()]]);
  }

  private unlink(path: string, watcher: W): boolean {
    const watchers = this.byPath.get(path);
    if (watchers === undefined) return false;
    const mode = watchers.get(watcher);
    if (mode === undefined) return false;
    watchers.delete(watcher);
    this.entries--;
    this.countRecursive(mode, undefined);
    if (watchers.size === 0) this.byPath.delete(path);
    return true;
  }

  private countRecursive(before: WatchModeValue | undefined, after: WatchModeValue | undefined): void {
    const was = before === WatchMode.persistentRecursive;
    const is = after === WatchMode.persistentRecursive;
    if (was !== is) this.recursiveCount += is ? 1 : -1;
  }
}
