// Temporary directories for the compatibility harnesses (member dataDirs, conf dirs, client
// class dirs). Tests restart members on the same dataDir after stopping them, so nothing can be
// removed at stop; instead every directory made here is removed when the test worker exits. (A
// CI run used to leave several hundred zkts-* directories in /tmp.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();
let hooked = false;

/** mkdtemp under the system temp dir; removed (recursively) when this process or worker exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) {
        try {
          rmSync(d, { recursive: true, force: true });
        } catch {
          // Best effort: a directory still in use by a child that outlived us stays behind.
        }
      }
    });
  }
  return dir;
}
