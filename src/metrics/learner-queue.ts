// The leader's per-learner send-queue metrics (LearnerHandler.sendPackets / queuePacket at
// release-3.8.0-1), keyed by the learner's sid:
//
//   learner_handler_qp_size     each time a packet leaves the queue for the socket, how many are
//                               still queued behind it;
//   learner_handler_qp_time_ms  the reference queues a marker after every 1000th packet (the 1st,
//                               1001st, ...) and, when the marker leaves the queue, records how long
//                               it waited: here the time from that packet's send() to the flush that
//                               writes it, in whole milliseconds.
//
// zkts's queue is the connection's write buffer (QuorumSocket): packets are queued as the leader
// emits them and leave together at the end of the turn (or once 256 KiB wait). The reference's
// markers are queue entries themselves and show up in its size samples; zkts counts packets only.

import type { Summary } from './summary';
import type { SummarySet } from './counter';

/** LearnerHandler.markerPacketInterval. */
export const MARKER_PACKET_INTERVAL = 1000;

export class LearnerQueueMetrics {
  private readonly size: Summary;
  private readonly time: Summary;
  private enqueued = 0;
  private dequeued = 0;
  private packetCounter = 0;
  /** Markers waiting: leave the queue once `dequeued` reaches `position`. */
  private readonly markers: { position: number; atMs: number }[] = [];

  constructor(
    sizeSet: SummarySet,
    timeSet: SummarySet,
    sid: bigint,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    const key = sid.toString();
    this.size = sizeSet.summary(key);
    this.time = timeSet.summary(key);
  }

  queued(): void {
    this.enqueued++;
    if (this.packetCounter++ % MARKER_PACKET_INTERVAL === 0) this.markers.push({ position: this.enqueued, atMs: this.nowMs() });
  }

  written(packets: number): void {
    // Packets queued before this observer was attached leave first and are not counted.
    const mine = Math.min(packets, this.enqueued - this.dequeued);
    for (let i = 0; i < mine; i++) {
      this.dequeued++;
      this.size.add(this.enqueued - this.dequeued);
    }
    if (this.markers.length === 0 || this.markers[0]!.position > this.dequeued) return;
    const now = this.nowMs();
    while (this.markers.length > 0 && this.markers[0]!.position <= this.dequeued) {
      this.time.add(Math.floor(now - this.markers.shift()!.atMs));
    }
  }
}
