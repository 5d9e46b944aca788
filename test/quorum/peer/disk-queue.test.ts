// The peer's disk queue: appends run together (the log writer batches them under one fsync),
// barriers (epoch files, snapshots, truncation) run alone and in order with everything else.

import test from 'ava';
import { DiskQueue } from '../../../src/quorum/peer/disk-queue';

/** An operation the test completes by hand, recording when it started. */
function manual(log: string[], name: string): { run: () => Promise<void>; finish: () => void; fail: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const p = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    run: () => {
      log.push(`start ${name}`);
      return p;
    },
    finish: () => resolve(),
    fail: (e) => reject(e),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('appends start together, in order; a barrier waits for them and holds later appends', async (t) => {
  const q = new DiskQueue();
  const log: string[] = [];
  const a1 = manual(log, 'a1');
  const a2 = manual(log, 'a2');
  const b = manual(log, 'epoch');
  const a3 = manual(log, 'a3');
  const done: string[] = [];
  void q.append('a1', a1.run).then(() => done.push('a1'));
  void q.append('a2', a2.run).then(() => done.push('a2'));
  void q.barrier('epoch', b.run).then(() => done.push('epoch'));
  void q.append('a3', a3.run).then(() => done.push('a3'));
  t.deepEqual(log, ['start a1', 'start a2'], 'both appends are handed to the writer at once');
  a2.finish();
  await tick();
  t.deepEqual(log, ['start a1', 'start a2'], 'the barrier waits for every append before it');
  a1.finish();
  await tick();
  t.deepEqual(log, ['start a1', 'start a2', 'start epoch']);
  t.true(q.busy);
  b.finish();
  await tick();
  t.deepEqual(log, ['start a1', 'start a2', 'start epoch', 'start a3'], 'the append after the barrier starts once it is done');
  a3.finish();
  await q.idle();
  t.false(q.busy);
  t.deepEqual(done, ['a2', 'a1', 'epoch', 'a3']);
});

test('a failed operation rejects its own promise only; the queue goes on', async (t) => {
  const q = new DiskQueue();
  const log: string[] = [];
  const bad = manual(log, 'bad');
  const next = manual(log, 'next');
  const failed = q.barrier('bad', bad.run);
  const after = q.barrier('next', next.run);
  bad.fail(new Error('EIO'));
  await t.throwsAsync(failed, { message: 'EIO' });
  next.finish();
  await after;
  t.deepEqual(log, ['start bad', 'start next']);
});

test('an operation that throws instead of returning a promise is a failure too', async (t) => {
  const q = new DiskQueue();
  await t.throwsAsync(
    q.append('sync throw', () => {
      throw new Error('closed');
    }),
    { message: 'closed' },
  );
  t.false(q.busy);
});
