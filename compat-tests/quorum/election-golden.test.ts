// Captures Java 3.8.0's election bytes afresh and checks our codecs on them, the same way the unit
// suite checks the committed fixtures (so a drift in either shows up here).

import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInitialMessage, checkNotification, NOTIFICATION_CASES } from '../../test/quorum/election/golden-check';
import { captureElectionGolden } from './election-capture';

test('freshly captured Java election bytes decode to the scenario and re-encode exactly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-election-golden-'));
  await captureElectionGolden(dir);
  t.deepEqual(checkInitialMessage(dir), []);
  for (const name of NOTIFICATION_CASES) t.deepEqual(checkNotification(dir, name), [], name);
});
