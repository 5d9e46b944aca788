// One learner-to-leader quorum connection: two in-order pipes. Either side can close it (its FIN
// follows whatever it sent before), a host crash can cut it silently, and a reset kills both
// directions at once.

import type { QuorumPacket } from '../../src/protocol/generated';
import type { Sid } from '../../src/quorum/types';
import type { Db } from './model';
import type { Net, Pipe } from './network';

export type ConnItem =
  | { readonly kind: 'packet'; readonly packet: QuorumPacket }
  /** The SNAP stream that follows a SNAP packet: the leader's database at that moment. */
  | { readonly kind: 'snapshot'; readonly db: Db }
  | { readonly kind: 'fin' };

export interface ConnEnds {
  /** The leader side received an item. */
  toLeader(conn: QuorumConn, item: ConnItem): void;
  /** The learner side received an item. */
  toLearner(conn: QuorumConn, item: ConnItem): void;
}

export class QuorumConn {
  leaderOpen = true;
  learnerOpen = true;
  readonly up: Pipe<ConnItem>;
  readonly down: Pipe<ConnItem>;

  constructor(
    readonly id: number,
    readonly learnerSid: Sid,
    readonly leaderSid: Sid,
    net: Net,
    ends: ConnEnds,
  ) {
    this.up = net.pipe<ConnItem>(learnerSid, leaderSid, (item) => ends.toLeader(this, item));
    this.down = net.pipe<ConnItem>(leaderSid, learnerSid, (item) => ends.toLearner(this, item));
  }

  /** The leader closes its end: it reads nothing more; the learner sees FIN after the data. */
  closeByLeader(): void {
    if (!this.leaderOpen) return;
    this.leaderOpen = false;
    this.up.close();
    this.down.send({ kind: 'fin' });
  }

  closeByLearner(): void {
    if (!this.learnerOpen) return;
    this.learnerOpen = false;
    this.down.close();
    this.up.send({ kind: 'fin' });
  }

  /** The host of `sid` died: its end is gone; with `silent` (power loss) no FIN goes out either. */
  hostDown(sid: Sid, silent: boolean): void {
    const mine = sid === this.leaderSid ? this.down : this.up;
    const theirs = sid === this.leaderSid ? this.up : this.down;
    if (sid === this.leaderSid) this.leaderOpen = false;
    else this.learnerOpen = false;
    theirs.close();
    if (silent) mine.close();
    else mine.send({ kind: 'fin' });
  }
}
