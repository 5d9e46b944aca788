// The final step's ordering (src/server/pipeline.ts): strict push order whatever order the log
// appends settle in, reads at once only when nothing waits, failures routed without stopping the
// steps behind, steps pushed from inside a step, and idle().

import test from 'ava';
import { OrderedPipeline } from '../../src/server/pipeline';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('steps run in push order whatever order their appends settle in; a read behind a write waits', async (t) => {
  const p = new OrderedPipeline();
  const ran: string[] = [];
  const fail = (e: unknown) => ran.push(`fail ${String(e)}`);
  p.push(null, () => ran.push('r0'), fail);
  t.deepEqual(ran, ['r0'], 'a read with nothing ahead runs at once');
  const w1 = deferred();
  const w2 = deferred();
  const w3 = deferred();
  p.push(w1.promise, () => ran.push('w1'), fail);
  p.push(null, () => ran.push('r1'), fail);
  p.push(w2.promise, () => ran.push('w2'), fail);
  p.push(w3.promise, () => ran.push('w3'), fail);
  p.push(null, () => ran.push('r2'), fail);
  t.is(p.pending, 5);
  w3.resolve();
  w2.resolve();
  await w3.promise;
  await Promise.resolve();
  t.deepEqual(ran, ['r0'], 'nothing passes the first unsettled write');
  const idle = p.idle();
  w1.resolve();
  await idle;
  t.deepEqual(ran, ['r0', 'w1', 'r1', 'w2', 'w3', 'r2']);
  t.is(p.pending, 0);
});

test('a failed append and a throwing step go to fail; the steps behind still run, each step once', async (t) => {
  const p = new OrderedPipeline();
  const ran: string[] = [];
  const w = deferred();
  p.push(w.promise, () => ran.push('w'), (e) => ran.push(`fail ${(e as Error).message}`));
  p.push(
    null,
    () => {
      throw new Error('boom');
    },
    (e) => ran.push(`fail ${(e as Error).message}`),
  );
  p.push(null, () => ran.push('after'), () => ran.push('wrong'));
  w.reject(new Error('disk'));
  await p.idle();
  t.deepEqual(ran, ['fail disk', 'fail boom', 'after']);
});

test('a step may push more steps: they run after it, in the same drain, before later arrivals', async (t) => {
  const p = new OrderedPipeline();
  const ran: string[] = [];
  const w = deferred();
  const noFail = () => t.fail('no step fails');
  p.push(
    w.promise,
    () => {
      ran.push('outer');
      p.push(null, () => ran.push('inner-1'), noFail);
      p.push(null, () => ran.push('inner-2'), noFail);
      ran.push('outer-end');
    },
    noFail,
  );
  p.push(null, () => ran.push('next'), noFail);
  w.resolve();
  await p.idle();
  t.deepEqual(ran, ['outer', 'outer-end', 'next', 'inner-1', 'inner-2']);
});

test('idle() resolves at once when nothing is pending', async (t) => {
  const p = new OrderedPipeline();
  await p.idle();
  t.is(p.pending, 0);
});
