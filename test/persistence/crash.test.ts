// Crash safety: a writer is killed with SIGKILL at 20 seeded random moments during continuous
// appends (with snapshots taken along the way). After each kill the database restores, every txn
// the writer reported durable is present, and nothing after a gap appears.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { restore } from '../../src/persistence/restore';
import { prng } from '../support/prng';

const writer = join(__dirname, 'support-db', 'crash-writer.js');

interface Run {
  maxDurable: bigint;
  ready: bigint;
}

function runAndKill(dataDir: string, killAfterMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      // Start the kill clock once the writer has restored and begun appending.
      if (timer === null && out.includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited ${code}/${signal}: ${err}`));
      let maxDurable = 0n;
      let ready = -1n;
      for (const line of out.split('\n')) {
        const [word, value] = line.split(' ');
        if (word === 'durable' && value && BigInt(value) > maxDurable) maxDurable = BigInt(value);
        if (word === 'ready' && value) ready = BigInt(value);
      }
      resolve({ maxDurable, ready });
    });
  });
}

test('SIGKILL at 20 seeded points loses no durable txn and leaves no gap', async (t) => {
  const seed = 20261122;
  const rand = prng(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'zkts-crash-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  let everDurable = 0n;
  for (let i = 0; i < 20; i++) {
    const killAfter = 20 + Math.floor(rand() * 400);
    const run = await runAndKill(dataDir, killAfter);
    if (run.maxDurable > everDurable) everDurable = run.maxDurable;
    const r = await restore({ dataDir });
    const where = `seed ${seed}, kill ${i} after ${killAfter} ms`;
    t.true(r.lastProcessedZxid >= everDurable, `${where}: restored zxid 0x${r.lastProcessedZxid.toString(16)} covers durable 0x${everDurable.toString(16)}`);
    // No gap: /c holds exactly one child per create zxid from the first to the last restored.
    const children = r.tree.getChildren('/c')?.children ?? [];
    const zxids = children.map((c) => BigInt(c.slice(1))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const first = zxids[0] ?? r.lastProcessedZxid + 1n;
    const contiguous = zxids.every((z, k) => z === first + BigInt(k));
    t.true(contiguous, `${where}: children are contiguous`);
    if (zxids.length > 0) t.is(zxids[zxids.length - 1], r.lastProcessedZxid, `${where}: the last child is the last txn`);
    t.true(run.ready <= r.lastProcessedZxid, `${where}: nothing restored earlier is lost`);
  }
  const files = readdirSync(join(dataDir, 'version-2'));
  t.true(files.filter((f) => f.startsWith('snapshot.')).length > 2, 'snapshots were taken between kills');
  t.log(`20 kills; ${everDurable} txns durable in the end; files: ${files.length}`);
});
