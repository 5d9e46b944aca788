// Re-runs the golden-vector program on Apache ZooKeeper's own classes and requires it to reproduce
// the committed fixtures exactly: the fixtures npm test relies on really are the reference's bytes.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import test from 'ava';
import { fixturesDir, repoRoot } from '../test/support/golden';

function listFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(root)
    .map((f) => relative(root, f))
    .sort();
}

test('the Java program on the reference jars reproduces every committed fixture byte for byte', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'zkts-golden-'));
  try {
    execFileSync('bash', ['compat-tests/golden/generate.sh', out], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
    const fresh = listFiles(out);
    const committed = listFiles(fixturesDir);
    t.deepEqual(fresh, committed, 'the same fixture files');
    const differing = committed.filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join(fixturesDir, f))));
    t.deepEqual(differing, [], 'identical bytes');
    t.log(`${committed.length} fixture files reproduced from /usr/share/java/zookeeper*.jar`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
