// Watch triggers with the reference's 3.8 rules (DataTree + WatchManager): which registrations a
// trigger reaches, one-shot removal, recursive watches, mode replacement, delivery order.

import test from 'ava';
import type { WatchTrigger } from '../../src/tree';
import { WatchManager } from '../../src/server/watch';

type W = string;
const P = '/a/b';

/** Fires one trigger and returns "watcher:type:path" strings in delivery order. */
function fire(m: WatchManager<W>, type: WatchTrigger['type'], path: string): string[] {
  return m.trigger({ type, path }).map(({ watcher, event }) => {
    if (event.state !== 3) throw new Error('server events carry SyncConnected');
    return `${watcher}:${event.type}:${event.path}`;
  });
}

/** The event type a single watcher gets from one trigger, or 0 for none. */
function typeFor(m: WatchManager<W>, type: WatchTrigger['type'], path: string): number {
  const d = m.trigger({ type, path });
  if (d.length > 1) throw new Error('one watcher, one event at most');
  return d.length === 0 ? 0 : d[0]!.event.type;
}

const registrations: Record<string, (m: WatchManager<W>) => void> = {
  'data watch on P': (m) => m.addDataWatch(P, 'w'),
  'child watch on P': (m) => m.addChildWatch(P, 'w'),
  'persistent on P': (m) => m.addWatch(P, 'w', 0),
  'recursive on P': (m) => m.addWatch(P, 'w', 1),
  'recursive on /a': (m) => m.addWatch('/a', 'w', 1),
  'recursive on /': (m) => m.addWatch('/', 'w', 1),
  'data watch on /a': (m) => m.addDataWatch('/a', 'w'),
  'child watch on /a': (m) => m.addChildWatch('/a', 'w'),
  'persistent on /a': (m) => m.addWatch('/a', 'w', 0),
  'child watch on /a/b/c': (m) => m.addChildWatch('/a/b/c', 'w'),
};

// Triggers on P (and the parent's childrenChanged that accompanies a create or delete of P).
const triggers: Array<[WatchTrigger['type'], string]> = [
  ['created', P],
  ['deleted', P],
  ['dataChanged', P],
  ['childrenChanged', P],
  ['childrenChanged', '/a'],
];

// Expected event types per registration, in the order of `triggers` (0 = no event).
const table: Record<string, number[]> = {
  'data watch on P': [1, 2, 3, 0, 0],
  'child watch on P': [0, 2, 0, 4, 0],
  'persistent on P': [1, 2, 3, 4, 0],
  'recursive on P': [1, 2, 3, 0, 0],
  'recursive on /a': [1, 2, 3, 0, 0],
  'recursive on /': [1, 2, 3, 0, 0],
  'data watch on /a': [0, 0, 0, 0, 0],
  'child watch on /a': [0, 0, 0, 0, 4],
  'persistent on /a': [0, 0, 0, 0, 4],
  'child watch on /a/b/c': [0, 0, 0, 0, 0],
};

for (const [name, register] of Object.entries(registrations)) {
  test(`trigger table: ${name}`, (t) => {
    const got = triggers.map(([type, path]) => {
      const m = new WatchManager<W>();
      register(m);
      return typeFor(m, type, path);
    });
    t.deepEqual(got, table[name]);
  });
}

test('one-shot watches go when they fire; persistent ones stay', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch(P, 'once');
  m.addWatch(P, 'always', 0);
  m.addWatch('/a', 'tree', 1);
  t.deepEqual(fire(m, 'dataChanged', P), ['once:3:/a/b', 'always:3:/a/b', 'tree:3:/a/b']);
  t.deepEqual(fire(m, 'dataChanged', P), ['always:3:/a/b', 'tree:3:/a/b']);
  m.addChildWatch(P, 'kids');
  t.deepEqual(fire(m, 'childrenChanged', P), ['always:4:/a/b', 'kids:4:/a/b']);
  t.deepEqual(fire(m, 'childrenChanged', P), ['always:4:/a/b']);
  t.is(m.watchCount(), 4, 'persistent and recursive in both tables');
});

test('deleted: data table first, then child-table watchers not already notified, all child watches consumed', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch(P, 'both');
  m.addChildWatch(P, 'both');
  m.addChildWatch(P, 'kids');
  m.addDataWatch(P, 'data');
  t.deepEqual(fire(m, 'deleted', P), ['both:2:/a/b', 'data:2:/a/b', 'kids:2:/a/b']);
  t.is(m.watchCount(), 0, "both's child watch was consumed although it got no second event");
  t.deepEqual(fire(m, 'childrenChanged', P), []);
});

test('deleted reaches a persistent watch once, through both tables', (t) => {
  const m = new WatchManager<W>();
  m.addWatch(P, 'p', 0);
  m.addWatch('/', 'r', 1);
  t.deepEqual(fire(m, 'deleted', P), ['p:2:/a/b', 'r:2:/a/b']);
  t.deepEqual(fire(m, 'deleted', P), ['p:2:/a/b', 'r:2:/a/b'], 'still registered');
});

test('a create fires NodeCreated for exists watchers and the parent childrenChanged for its child watchers', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch('/new', 'exists');
  m.addChildWatch('/', 'root');
  m.addWatch('/', 'rec', 1);
  const got = [...fire(m, 'created', '/new'), ...fire(m, 'childrenChanged', '/')];
  t.deepEqual(got, ['exists:1:/new', 'rec:1:/new', 'root:4:/']);
});

test('recursive watches see the whole subtree with the triggering path, never childrenChanged', (t) => {
  const m = new WatchManager<W>();
  m.addWatch('/a', 'r', 1);
  t.deepEqual(fire(m, 'created', '/a/b/c/d'), ['r:1:/a/b/c/d']);
  t.deepEqual(fire(m, 'dataChanged', '/a'), ['r:3:/a']);
  t.deepEqual(fire(m, 'childrenChanged', '/a'), []);
  t.deepEqual(fire(m, 'childrenChanged', '/a/b'), []);
  t.deepEqual(fire(m, 'created', '/ab'), [], '/ab is not under /a');
  t.deepEqual(fire(m, 'created', '/x'), []);
});

test('a watcher gets at most one event per trigger however many registrations match', (t) => {
  const m = new WatchManager<W>();
  m.addWatch('/', 'w', 1);
  m.addWatch('/a', 'w', 1);
  m.addDataWatch(P, 'w');
  t.deepEqual(fire(m, 'dataChanged', P), ['w:3:/a/b']);
  t.is(m.modes(P, 'w').data, undefined, 'the one-shot watch on P was consumed');
});

test('delivery order: the triggering path first, then ancestors upwards, registration order within a path', (t) => {
  const m = new WatchManager<W>();
  m.addWatch('/', 'root', 1);
  m.addWatch('/a', 'a2', 1);
  m.addDataWatch(P, 'p2');
  m.addWatch('/a', 'a1', 1);
  m.addDataWatch(P, 'p1');
  t.deepEqual(fire(m, 'dataChanged', P), ['p2:3:/a/b', 'p1:3:/a/b', 'a2:3:/a/b', 'a1:3:/a/b', 'root:3:/a/b']);
});

test('mode replacement: addWatch persistent, then exists -> data one-shot, child still persistent', (t) => {
  const m = new WatchManager<W>();
  m.addWatch(P, 'w', 0);
  m.addDataWatch(P, 'w');
  t.deepEqual(m.modes(P, 'w'), { data: 0, child: 1 });
  t.deepEqual(fire(m, 'dataChanged', P), ['w:3:/a/b']);
  t.deepEqual(fire(m, 'dataChanged', P), [], 'the data side was downgraded to one-shot');
  t.deepEqual(fire(m, 'childrenChanged', P), ['w:4:/a/b']);
  t.deepEqual(fire(m, 'childrenChanged', P), ['w:4:/a/b']);
  t.deepEqual(fire(m, 'deleted', P), ['w:2:/a/b'], 'the persistent child side still sees the delete');
});

test('mode replacement: exists then addWatch persistent -> persistent everywhere', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch(P, 'w');
  m.addChildWatch(P, 'w');
  m.addWatch(P, 'w', 0);
  t.deepEqual(m.modes(P, 'w'), { data: 1, child: 1 });
  t.deepEqual(fire(m, 'dataChanged', P), ['w:3:/a/b']);
  t.deepEqual(fire(m, 'dataChanged', P), ['w:3:/a/b']);
  t.is(m.watchCount(), 2);
});

test('mode replacement: persistent then recursive loses childrenChanged on the path', (t) => {
  const m = new WatchManager<W>();
  m.addWatch(P, 'w', 0);
  m.addWatch(P, 'w', 1);
  t.deepEqual(m.modes(P, 'w'), { data: 2, child: 2 });
  t.deepEqual(fire(m, 'childrenChanged', P), []);
  t.deepEqual(fire(m, 'created', `${P}/x`), ['w:1:/a/b/x']);
  m.addWatch(P, 'w', 0);
  t.deepEqual(fire(m, 'created', `${P}/y`), [], 'back to persistent: no subtree');
  t.is(m.recursiveWatchCount(), 0);
});

test('mode replacement: recursive then getChildren -> one childrenChanged, data side stays recursive', (t) => {
  const m = new WatchManager<W>();
  m.addWatch(P, 'w', 1);
  m.addChildWatch(P, 'w');
  t.deepEqual(m.modes(P, 'w'), { data: 2, child: 0 });
  t.deepEqual(fire(m, 'childrenChanged', P), ['w:4:/a/b']);
  t.deepEqual(fire(m, 'childrenChanged', P), []);
  t.deepEqual(fire(m, 'created', `${P}/x`), ['w:1:/a/b/x']);
});

test('root: watches on "/" and its children', (t) => {
  const m = new WatchManager<W>();
  m.addChildWatch('/', 'kids');
  m.addDataWatch('/', 'data');
  t.deepEqual(fire(m, 'childrenChanged', '/'), ['kids:4:/']);
  t.deepEqual(fire(m, 'dataChanged', '/'), ['data:3:/']);
});

test('triggerAll runs a txn’s triggers in order', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch('/x', 'a');
  m.addChildWatch('/', 'a');
  const got = m.triggerAll([
    { type: 'deleted', path: '/x' },
    { type: 'childrenChanged', path: '/' },
  ]);
  t.deepEqual(
    got.map((d) => [d.watcher, d.event.type, d.event.path]),
    [
      ['a', 2, '/x'],
      ['a', 4, '/'],
    ],
  );
});

test('removeWatcher drops everything; dead watchers cannot register', (t) => {
  const dead = new Set<W>(['gone']);
  const m = new WatchManager<W>({ isDead: (w) => dead.has(w) });
  m.addDataWatch(P, 'w');
  m.addChildWatch(P, 'w');
  m.addWatch('/', 'w', 1);
  m.addWatch('/', 'gone', 1);
  m.addDataWatch(P, 'gone');
  t.is(m.watchCount(), 4);
  m.removeWatcher('w');
  t.is(m.watchCount(), 0);
  t.is(m.recursiveWatchCount(), 0);
  t.deepEqual(fire(m, 'deleted', P), []);
  t.deepEqual(m.summary(), { connections: 0, paths: 0, total: 0 });
});
