// The leader's per-learner queue summaries (LearnerHandler.sendPackets' learner_handler_qp_size
// and learner_handler_qp_time_ms): a size sample per packet leaving the queue, a time sample per
// marker (after the 1st, 1001st, ... packet), keyed by the learner's sid.

import test from 'ava';
import { LearnerQueueMetrics, MARKER_PACKET_INTERVAL, SummarySet } from '../../src/metrics';

function setup(): { m: LearnerQueueMetrics; size: SummarySet; time: SummarySet; clock: { now: number } } {
  const size = new SummarySet('learner_handler_qp_size', 'basic');
  const time = new SummarySet('learner_handler_qp_time_ms', 'advanced');
  const clock = { now: 1000 };
  return { m: new LearnerQueueMetrics(size, time, 7n, () => clock.now), size, time, clock };
}

test('each packet leaving the queue records how many are still behind it, under the learner\'s sid', (t) => {
  const { m, size } = setup();
  for (let i = 0; i < 4; i++) m.queued();
  m.written(4);
  const s = size.byKey.get('7')!;
  t.is(s.name, '7_learner_handler_qp_size');
  t.like(s, { count: 4, sum: 3 + 2 + 1 + 0, min: 0, max: 3 });
});

test('the first packet and every 1000th after it carry a marker: its wait in whole milliseconds', (t) => {
  const { m, time, clock } = setup();
  m.queued(); // packet 1: marker at t=1000
  clock.now = 1012.7;
  m.written(1);
  const s = time.byKey.get('7')!;
  t.like(s, { count: 1, sum: 12, max: 12 });
  // Packets 2..1001: the marker rides on packet 1001 (counter 1000 % 1000 == 0).
  for (let i = 2; i < MARKER_PACKET_INTERVAL + 1; i++) m.queued();
  clock.now = 2000;
  m.queued();
  clock.now = 2005;
  m.written(MARKER_PACKET_INTERVAL - 1);
  t.is(s.count, 1, 'packet 1001 has not left yet');
  clock.now = 2030;
  m.written(1);
  t.like(s, { count: 2, sum: 12 + 30, max: 30 });
});

test('packets queued before the observer was attached are not counted', (t) => {
  const { m, size } = setup();
  m.queued();
  m.written(3);
  t.like(size.byKey.get('7')!, { count: 1, sum: 0 });
});
