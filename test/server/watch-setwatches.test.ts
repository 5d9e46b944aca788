// Reconnect catch-up (setWatches / setWatches2), checkWatches / removeWatches with 3.8.0's loose
// check, and the 4lw views.

import test from 'ava';
import { SetWatches, SetWatches2 } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { DataTree } from '../../src/tree';
import { WatchArgumentError, WatchManager, type WatchZxidSource } from '../../src/server/watch';

type W = string;

function fakeTree(nodes: Record<string, [mzxid: number, pzxid: number]>): WatchZxidSource {
  return {
    watchZxids(path) {
      const n = nodes[path];
      return n === undefined ? null : { mzxid: BigInt(n[0]), pzxid: BigInt(n[1]) };
    },
  };
}

const tree = fakeTree({ '/': [0, 9], '/old': [5, 5], '/new': [12, 5], '/kids': [3, 15] });

function events(out: { events: ReadonlyArray<{ type: number; path: string }> }): string[] {
  return out.events.map((e) => `${e.type}:${e.path}`);
}

test('setWatches: catch-up events by zxid, in list order, and registrations for the rest', (t) => {
  const m = new WatchManager<W>();
  const out = m.setWatches(
    10n,
    {
      data: ['/gone', '/new', '/old'],
      exist: ['/old', '/notyet'],
      child: ['/gone2', '/kids', '/'],
    },
    'c',
    tree,
  );
  t.is(out.err, 0);
  t.deepEqual(events(out), ['2:/gone', '3:/new', '1:/old', '2:/gone2', '4:/kids']);
  // Registered: data /old, exist /notyet (data table), child /.
  t.deepEqual(m.modes('/old', 'c'), { data: 0, child: undefined });
  t.deepEqual(m.modes('/notyet', 'c'), { data: 0, child: undefined });
  t.deepEqual(m.modes('/', 'c'), { data: undefined, child: 0 });
  t.deepEqual(m.modes('/new', 'c'), { data: undefined, child: undefined }, 'a path that fired is not registered');
  t.is(m.trigger({ type: 'created', path: '/notyet' }).length, 1);
  t.is(m.trigger({ type: 'childrenChanged', path: '/' }).length, 1);
});

test('setWatches: equal zxids register (only strictly newer changes fire)', (t) => {
  const m = new WatchManager<W>();
  const out = m.setWatches(5n, { data: ['/old'], exist: [], child: ['/old'] }, 'c', tree);
  t.deepEqual(events(out), []);
  t.is(m.watchCount(), 2);
});

test('setWatches2: persistent and recursive register without catch-up, even for missing nodes', (t) => {
  const m = new WatchManager<W>();
  const out = m.setWatches(0n, { data: [], exist: [], child: [], persistent: ['/new', '/missing'], persistentRecursive: ['/kids'] }, 'c', tree);
  t.deepEqual(events(out), []);
  t.deepEqual(m.modes('/missing', 'c'), { data: 1, child: 1 });
  t.deepEqual(m.modes('/kids', 'c'), { data: 2, child: 2 });
  t.is(m.trigger({ type: 'created', path: '/kids/x/y' }).length, 1);
});

test('setWatches: a null list or path is MARSHALLINGERROR after what came before', (t) => {
  const m = new WatchManager<W>();
  const out = m.setWatches(10n, { data: ['/gone', '/old'], exist: ['/x', null, '/y'], child: ['/gone'] }, 'c', tree);
  t.is(out.err, ErrCode.MARSHALLINGERROR);
  t.deepEqual(events(out), ['2:/gone']);
  t.deepEqual(m.modes('/old', 'c').data, 0);
  t.deepEqual(m.modes('/x', 'c').data, 0);
  t.deepEqual(m.modes('/y', 'c').data, undefined);
  t.is(new WatchManager<W>().setWatches(0n, { data: [], exist: [], child: null }, 'c', tree).err, ErrCode.MARSHALLINGERROR);
  t.is(new WatchManager<W>().setWatches(0n, { data: [], exist: [], child: [], persistent: null }, 'c', tree).err, ErrCode.MARSHALLINGERROR);
});

test('setWatchesFromRequest decodes setWatches and setWatches2 bodies', (t) => {
  const m = new WatchManager<W>();
  const v1 = SetWatches.encode({ relativeZxid: 10n, dataWatches: ['/new'], existWatches: ['/notyet'], childWatches: [] });
  t.deepEqual(events(m.setWatchesFromRequest(OpCode.setWatches, v1, 'c', tree)), ['3:/new']);
  const v2 = SetWatches2.encode({
    relativeZxid: 10n,
    dataWatches: [],
    existWatches: ['/old'],
    childWatches: [],
    persistentWatches: ['/p'],
    persistentRecursiveWatches: ['/r'],
  });
  t.deepEqual(events(m.setWatchesFromRequest(OpCode.setWatches2, v2, 'c', tree)), ['1:/old']);
  t.deepEqual(m.modes('/p', 'c'), { data: 1, child: 1 });
  t.deepEqual(m.setWatchesFromRequest(OpCode.setWatches2, Buffer.from([1, 2, 3]), 'c', tree), { events: [], err: ErrCode.MARSHALLINGERROR });
});

test('setWatches against a real DataTree', (t) => {
  const m = new WatchManager<W>();
  const out = m.setWatches(0n, { data: ['/zookeeper'], exist: ['/zookeeper/quota', '/nope'], child: ['/'] }, 'c', new DataTree());
  t.deepEqual(events(out), ['1:/zookeeper/quota']);
  t.is(m.watchCount(), 3);
});

test('checkWatches: NOWATCHER when no connection watches the path', (t) => {
  const m = new WatchManager<W>();
  t.false(m.checkWatches('/x', 1, 'a'));
  t.false(m.checkWatches('/x', 2, 'a'));
  t.false(m.checkWatches('/x', 3, 'a'));
});

test('checkWatches is loose (3.8.0): another connection’s watch on the path counts', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch('/x', 'b');
  t.true(m.checkWatches('/x', 2, 'a'), 'a has no watch, b does');
  t.true(m.checkWatches('/x', 3, 'a'));
  t.false(m.checkWatches('/x', 1, 'a'), 'no child watch on /x by anyone');
  t.false(m.removeWatches('/x', 2, 'a'), 'removal is strict: a has nothing to remove');
  t.true(m.removeWatches('/x', 2, 'b'));
  t.false(m.checkWatches('/x', 2, 'a'));
});

test('checkWatches: an ancestor’s recursive watch does not count for a descendant', (t) => {
  const m = new WatchManager<W>();
  m.addWatch('/a', 'a', 1);
  t.false(m.checkWatches('/a/b', 3, 'a'));
  t.true(m.checkWatches('/a', 1, 'a'));
  t.true(m.checkWatches('/a', 2, 'a'));
});

test('removeWatches by type: children, data, any; persistent watches are removed per table', (t) => {
  const m = new WatchManager<W>();
  m.addWatch('/p', 'a', 0);
  t.true(m.removeWatches('/p', 2, 'a'));
  t.deepEqual(m.modes('/p', 'a'), { data: undefined, child: 1 });
  t.deepEqual(
    m.trigger({ type: 'dataChanged', path: '/p' }).map((d) => d.event.type),
    [],
  );
  t.deepEqual(
    m.trigger({ type: 'childrenChanged', path: '/p' }).map((d) => d.event.type),
    [4],
  );
  t.false(m.removeWatches('/p', 2, 'a'), 'nothing left in the data table');
  t.true(m.removeWatches('/p', 3, 'a'), 'any: the child side');
  t.false(m.removeWatches('/p', 3, 'a'));
  m.addDataWatch('/q', 'a');
  m.addChildWatch('/q', 'a');
  t.true(m.removeWatches('/q', 3, 'a'));
  t.is(m.watchCount(), 0);
  m.addWatch('/r', 'a', 1);
  t.true(m.removeWatches('/r', 1, 'a'));
  t.true(m.removeWatches('/r', 2, 'a'));
  t.is(m.recursiveWatchCount(), 0);
});

test('invalid watcher types and addWatch modes throw WatchArgumentError (the reply is MARSHALLINGERROR)', (t) => {
  const m = new WatchManager<W>();
  t.throws(() => m.checkWatches('/x', 0, 'a'), { instanceOf: WatchArgumentError });
  t.throws(() => m.removeWatches('/x', 4, 'a'), { instanceOf: WatchArgumentError });
  t.throws(() => m.addWatch('/x', 'a', 2), { instanceOf: WatchArgumentError });
  t.is(m.watchCount(), 0);
});

test('views: wchs counts the data table only and keeps connections whose watches fired', (t) => {
  const m = new WatchManager<W>();
  m.addDataWatch('/x', 'a');
  m.addDataWatch('/y', 'a');
  m.addDataWatch('/x', 'b');
  m.addChildWatch('/z', 'c');
  t.deepEqual(m.summary(), { connections: 2, paths: 2, total: 3 });
  t.is(m.watchCount(), 4);
  m.trigger({ type: 'dataChanged', path: '/x' });
  t.deepEqual(m.summary(), { connections: 2, paths: 1, total: 1 }, 'b holds nothing but still counts');
  t.deepEqual(m.dataWatchesByWatcher(), [
    ['a', ['/y']],
    ['b', []],
  ]);
  t.deepEqual(m.dataWatchesByPath(), [['/y', ['a']]]);
  m.removeWatcher('b');
  t.deepEqual(m.summary(), { connections: 1, paths: 1, total: 1 });
});
