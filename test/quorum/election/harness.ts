// Helpers for driving FleMachine in scripted tests: building received notifications and reading
// the outputs back.

import { FleMachine, type FleOptions, type FleOutput } from '../../../src/quorum/election/fle-machine';
import type { Notification, OutgoingNotification } from '../../../src/quorum/election/notification';
import { majorityMembers, type ServerStateName, type Sid } from '../../../src/quorum/types';

export const CONFIG = 'server.1=127.0.0.1:1:2:participant\nversion=0';
const CODE: Record<ServerStateName, number> = { LOOKING: 0, FOLLOWING: 1, LEADING: 2, OBSERVING: 3 };

export function machine(myId: bigint, voters: bigint[], more: Partial<FleOptions> & { observers?: bigint[] } = {}): FleMachine {
  const { observers, ...rest } = more;
  return new FleMachine({ myId, members: majorityMembers(voters, observers ?? []), configText: CONFIG, lastZxid: 0n, currentEpoch: 0n, ...rest });
}

/** A received notification: state, proposed leader, zxid, election epoch, peer epoch. */
export function note(state: ServerStateName, leader: bigint, zxid: bigint, electionEpoch: bigint, peerEpoch: bigint, version = 2): Notification {
  return { state: CODE[state], leader, zxid, electionEpoch, peerEpoch, version, config: version > 1 ? CONFIG : null };
}

/** What the machine sent, to whom, in a compact comparable shape. */
export function sends(out: readonly FleOutput[]): { to: Sid; state: string; leader: bigint; zxid: bigint; ee: bigint; pe: bigint }[] {
  return out.flatMap((o) => (o.type === 'send' ? [{ to: o.to, state: o.n.state, leader: o.n.leader, zxid: o.n.zxid, ee: o.n.electionEpoch, pe: o.n.peerEpoch }] : []));
}

export function timer(out: readonly FleOutput[]): number | 'cleared' | undefined {
  for (let i = out.length - 1; i >= 0; i--) {
    const o = out[i]!;
    if (o.type === 'setTimer') return o.atMs;
    if (o.type === 'clearTimer') return 'cleared';
  }
  return undefined;
}

export function decision(out: readonly FleOutput[]): Extract<FleOutput, { type: 'decided' }> | undefined {
  return out.find((o): o is Extract<FleOutput, { type: 'decided' }> => o.type === 'decided');
}

/** The notification a machine would receive for `o` (what the wire carries). */
export function asReceived(o: OutgoingNotification): Notification {
  return { state: CODE[o.state], leader: o.leader, zxid: o.zxid, electionEpoch: o.electionEpoch, peerEpoch: o.peerEpoch, version: 2, config: o.config };
}
