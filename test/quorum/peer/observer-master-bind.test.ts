// A follower whose observerMasterPort is taken fails as the reference's does: ObserverMaster.start
// throws out of Follower.followLeader, the follower drops its leader connection and goes back to
// election (and fails again while the port stays taken). Once the port is free it follows and
// serves observers there.

import { createServer, type Server } from 'node:net';
import test from 'ava';
import { fourLetterWord } from '../../support/four-letter-word';
import { freePort, HOST, TestEnsemble } from './support';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => c.destroy());
    s.once('error', reject);
    s.listen({ host: HOST, port }, () => resolve(s));
  });
}

const closeServer = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

test.serial('a follower that cannot bind its observerMasterPort stops following and returns to election', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3, 4], [4]);
  const used = new Set(e.members.flatMap((m) => [m.clientPort, m.spec.addresses[0]!.quorumPort, m.spec.addresses[0]!.electionPort]));
  let port = await freePort();
  while (used.has(port)) port = await freePort();
  let blocker: Server | null = await occupy(port);
  try {
    await e.start(3);
    await Promise.all([e.start(1, { observerMasterPort: port }), e.start(2)]);
    const failed = (h: string): boolean => h.startsWith('stopped: cannot listen on the observerMasterPort');
    // Following ends when the bind fails; the next round follows (and fails) again.
    await e.peer(1).waitFor('a follow ended by the bind failure', (p) => p.history.filter(failed).length >= 2, 30_000);
    const h = e.peer(1).history;
    const first = h.findIndex(failed);
    t.true(h.slice(first + 1).some((x) => x === 'FOLLOWING 3'), h.join('; '));
    // The leader never lost its quorum (2 kept following).
    t.is(e.peer(3).state, 'LEADING');

    await closeServer(blocker);
    blocker = null;
    await e.start(4, { observerMasterPort: port });
    t.is(await e.settled(30_000), 3);
    await e.peer(4).waitFor('the observer to serve', (p) => p.state === 'OBSERVING' && p.serving, 30_000);
    // Only follower 1 listens on the port (every candidate is 127.0.0.1), so 1 serves it.
    t.regex(await fourLetterWord(HOST, e.member(1).clientPort, 'mntr'), /^zk_synced_observers\t1$/m);
  } finally {
    if (blocker !== null) await closeServer(blocker);
    await e.close();
  }
});
