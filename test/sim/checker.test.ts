// The simulator's own parts: the checkers flag what they must (and not what they must not), the
// disk keeps exactly a prefix of its queued writes on a crash, runs replay exactly from a seed,
// and deliberately broken worlds (a disk that acknowledges before it is durable, a leader that
// forgets, a server cut off for good) are caught by the sweep, under the right kind.

import test from 'ava';
import { Checker } from './checker';
import { restore, SimDisk } from './disk';
import { clientTxn } from './model';
import { Scheduler } from './scheduler';
import { sweep } from './sweep';
import { runSeed } from './world';

function checker(): Checker {
  return new Checker(() => 0, () => undefined);
}

test('checker: a second leader in one epoch is a safety failure', (t) => {
  const c = checker();
  c.established(1n, 1n, []);
  t.deepEqual(c.violations, []);
  c.established(2n, 1n, []);
  t.is(c.safetyFailures.length, 1);
  t.regex(c.safetyFailures[0]!.message, /two leaders established in epoch 1: 1 and 2/);
});

test('checker: claims that part ways are a safety failure; prefixes are fine', (t) => {
  const c = checker();
  c.established(1n, 1n, []);
  c.claim(1n, 1n, ['a', 'b'], 'commit');
  c.claim(2n, 1n, ['a'], 'uptodate');
  c.claim(3n, 1n, ['a', 'b', 'c'], 'commit');
  t.deepEqual(c.violations, []);
  t.deepEqual(c.history, ['a', 'b', 'c']);
  c.claim(2n, 1n, ['a', 'x'], 'commit');
  t.is(c.safetyFailures.length, 1);
  t.regex(c.safetyFailures[0]!.message, /diverges.*position 1: x vs b/);
});

test('checker: a later epoch must keep what earlier epochs committed, in epoch order', (t) => {
  const c = checker();
  c.established(1n, 1n, ['a']);
  c.claim(1n, 1n, ['a', 'b'], 'commit');
  c.established(2n, 3n, ['a', 'b']);
  c.claim(2n, 3n, ['a', 'b', 'c'], 'commit');
  // Epoch 2's leader finishing its establishment after epoch 3 committed c is harmless (it can
  // have no quorum left): only epochs below 2 constrain it.
  c.established(3n, 2n, ['a', 'b']);
  t.deepEqual(c.violations, []);
  // A leader of epoch 4 without c lost a committed txn.
  c.established(1n, 4n, ['a', 'b']);
  t.regex(c.safetyFailures[0]?.message ?? '', /leader 1 of epoch 4 lacks txns committed in epoch 3/);
  // And epoch 1 committing d after epoch 3 was established without it is caught too.
  const d = checker();
  d.established(1n, 1n, ['a']);
  d.established(2n, 3n, ['a']);
  d.claim(1n, 1n, ['a', 'd'], 'commit');
  t.regex(d.safetyFailures[0]?.message ?? '', /committed in epoch 1 what leader 2 of epoch 3 lacks/);
});

test('checker: epochs on disk never go backwards and currentEpoch stays within acceptedEpoch', (t) => {
  const c = checker();
  c.epochWrite(1n, 'accepted', 2n, 3n, 2n);
  c.epochWrite(1n, 'current', 1n, 3n, 3n);
  t.deepEqual(c.violations, []);
  c.epochWrite(1n, 'accepted', 3n, 2n, 3n);
  c.epochWrite(2n, 'current', 1n, 4n, 3n);
  t.deepEqual(
    c.safetyFailures.map((v) => v.message),
    ['server 1 wrote acceptedEpoch 2 over 3', 'server 2 wrote currentEpoch 4 above acceptedEpoch 3'],
  );
});

test('disk: writes become durable in order; a crash keeps a prefix and tells nobody', (t) => {
  const sched = new Scheduler();
  const disk = new SimDisk(sched, () => 5, () => undefined);
  const done: string[] = [];
  const txns = [1n, 2n, 3n, 4n].map((z) => clientTxn(z, 9n, Number(z)));
  for (const tx of txns) disk.submit({ label: String(tx.zxid), apply: disk.appendTxns([tx]), done: () => done.push(String(tx.zxid)) });
  sched.run(12);
  t.deepEqual(done, ['1', '2']);
  t.deepEqual(disk.crash(1), ['4']);
  sched.run(100);
  t.deepEqual(done, ['1', '2'], 'no completion is reported after the crash');
  t.deepEqual(disk.durable.log.map((x) => x.zxid), [1n, 2n, 3n]);
  t.deepEqual(restore(disk.durable).txns.map((x) => x.zxid), [1n, 2n, 3n]);
});

test('a run replays exactly from its seed', (t) => {
  const a: string[] = [];
  const b: string[] = [];
  const ra = runSeed(77, { trace: (l) => a.push(l) });
  const rb = runSeed(77, { trace: (l) => b.push(l) });
  t.true(a.length > 100);
  t.deepEqual(a, b);
  t.deepEqual(ra.stats, rb.stats);
  // Tracing does not change what happens.
  t.deepEqual(runSeed(77).stats, ra.stats);
});

test('sabotage: a disk that acknowledges writes before they are durable loses committed data, and the checkers say so', (t) => {
  const r = sweep(1, 300, (seed) =>
    runSeed(seed, {
      sabotage: (w) => {
        for (const p of w.peers()) p.disk.lying = true;
      },
    }),
  );
  const safety = r.failures.filter((f) => f.kind === 'safety');
  t.log(`${safety.length} of 300 seeds caught; first: ${safety[0]?.messages[0] ?? 'none'}`);
  t.true(safety.length > 0);
});

test('sabotage: a leader that drops its last txn before leading is caught', (t) => {
  const r = sweep(1, 100, (seed) =>
    runSeed(seed, {
      sabotage: (w) => {
        for (const p of w.peers()) {
          const lead = p.zab.lead.bind(p.zab);
          p.zab.lead = () => {
            if (p.db.txns.length > 0) {
              p.db.txns.pop();
              p.db.lastProcessed = p.db.txns[p.db.txns.length - 1]?.zxid ?? 0n;
            }
            lead();
          };
        }
      },
    }),
  );
  const safety = r.failures.filter((f) => f.kind === 'safety');
  t.log(`${safety.length} of 100 seeds caught; first: ${safety[0]?.messages[0] ?? 'none'}`);
  t.true(safety.length > 0);
});

test('sabotage: a server that is cut off for good is a liveness failure, not a safety one', (t) => {
  const r = sweep(1, 10, (seed) =>
    runSeed(seed, {
      sabotage: (w) => {
        const net = w.net;
        const isolate = (): void => {
          for (const q of w.peers()) net.cut(1n, q.sid);
        };
        const heal = net.heal.bind(net);
        const healAll = net.healAll.bind(net);
        net.heal = (a, b) => (a === 1n || b === 1n ? undefined : heal(a, b));
        net.healAll = () => {
          healAll();
          isolate();
        };
        isolate();
      },
    }),
  );
  t.deepEqual(r.failures.filter((f) => f.kind === 'safety'), []);
  t.is(r.failures.filter((f) => f.kind === 'liveness').length, 10);
});
