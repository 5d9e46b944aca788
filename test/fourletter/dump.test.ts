// `dump` rendering for each session tracker the reference has (DumpCommand + the trackers'
// dumpSessions), from a hand-built view: standalone/leader sets, a leader with local sessions
// (Local + Global sets), a learner with and without local sessions (Local sets, then the
// ensemble's committed global sessions by signed id). The expected texts are written out here
// from the reference's print statements; dates are masked (they depend on the time zone).

import test from 'ava';
import { dump } from '../../src/fourletter/dump';
import type { ServerView } from '../../src/fourletter/view';

type Buckets = { expiresAtMs: number; elements: bigint[] }[];

function view(o: { mode: ServerView['mode']; global?: Buckets; local?: Buckets | null; committed?: [bigint, number][]; eph?: [bigint, string[]][] }): ServerView {
  const partial: Partial<ServerView> = {
    mode: o.mode,
    serving: true,
    sessionBuckets: () => o.global ?? [],
    localSessionBuckets: () => o.local ?? null,
    globalSessionTimeouts: () => o.committed ?? [],
    ephemerals: () => o.eph ?? [],
  };
  return partial as ServerView;
}

const render = (v: ServerView): string => dump({ view: v, rest: Buffer.alloc(0) }).replace(/expire at [^:\n]*\d\d:\d\d:\d\d [^\n]*:/g, 'expire at <date>:');

const T = 1_700_000_000_000;
const LEADER_A = 0x0300000000000001n;
const LEADER_B = 0x0300000000000002n;
const F1 = 0x0100000000000005n;

test('a leader without local sessions prints plain session sets', (t) => {
  const v = view({ mode: 'leader', global: [{ expiresAtMs: T, elements: [LEADER_A, F1] }], eph: [[F1, ['/x/e']]] });
  t.is(
    render(v),
    'SessionTracker dump:\nSession Sets (1)/(2):\n2 expire at <date>:\n\t0x300000000000001\n\t0x100000000000005\n' +
      'ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x100000000000005:\n\t/x/e\nConnections dump:\n',
  );
});

test('a leader with local sessions prints the local sets, then the global ones', (t) => {
  const v = view({
    mode: 'leader',
    local: [{ expiresAtMs: T, elements: [LEADER_B] }],
    global: [
      { expiresAtMs: T, elements: [LEADER_A] },
      { expiresAtMs: T + 2000, elements: [F1] },
    ],
  });
  t.is(
    render(v),
    'SessionTracker dump:\nLocal Session Sets (1)/(1):\n1 expire at <date>:\n\t0x300000000000002\n' +
      'Global Session Sets (2)/(2):\n1 expire at <date>:\n\t0x300000000000001\n1 expire at <date>:\n\t0x100000000000005\n' +
      'ephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n',
  );
});

test('a leader with local sessions on but none open still prints an empty local part', (t) => {
  const v = view({ mode: 'leader', local: [], global: [] });
  t.is(render(v), 'SessionTracker dump:\nLocal Session Sets (0)/(0):\nGlobal Session Sets (0)/(0):\nephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n');
});

test('a follower with local sessions: local sets, then every committed global session by signed id', (t) => {
  const negative = 0x8100000000000001n; // myid 129: negative as a Java long, so it sorts first
  const v = view({
    mode: 'follower',
    local: [{ expiresAtMs: T, elements: [0x0200000000000007n] }],
    // The global tracker's buckets are not a learner's to print.
    global: [{ expiresAtMs: T, elements: [0x0200000000000009n] }],
    committed: [
      [LEADER_A, 30000],
      [negative, 4000],
      [F1, 10000],
    ],
  });
  t.is(
    render(v),
    'SessionTracker dump:\nLocal Session Sets (1)/(1):\n1 expire at <date>:\n\t0x200000000000007\n' +
      'Global Sessions(3):\n0x8100000000000001\t4000ms\n0x100000000000005\t10000ms\n0x300000000000001\t30000ms\n' +
      'ephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n',
  );
});

test('an observer without local sessions prints only the global sessions', (t) => {
  const v = view({ mode: 'observer', committed: [[F1, 6000]] });
  t.is(render(v), 'SessionTracker dump:\nGlobal Sessions(1):\n0x100000000000005\t6000ms\nephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n');
});

test('not serving: the reference line only', (t) => {
  const v = { ...view({ mode: 'follower' }), serving: false } as ServerView;
  t.is(render(v), 'This ZooKeeper instance is not currently serving requests\n');
});
