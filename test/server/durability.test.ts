// Durability under SIGKILL: `bin/zkts start-foreground` (forceSync=yes) as a child process, four
// clients writing concurrently, the server killed at a seeded random moment, restarted on the same
// dataDir; every write a client got an OK for must be there afterwards (with that data and version,
// or a later one). Several rounds on one dataDir. Replay with ZKTS_DURABILITY_SEED.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  CreateRequest,
  CreateResponse,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
  SetDataResponse,
} from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { prng } from '../support/prng';
import { ZkTestClient } from '../support/zk-client';

const ROOT = join(__dirname, '..', '..', '..');
const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const ROUNDS = 5;
const CLIENTS = 4;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function connectRetry(port: number, deadlineMs: number): Promise<ZkTestClient> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await ZkTestClient.connect('127.0.0.1', port, { timeoutMs: 30_000, connectTimeoutMs: 2000 });
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(50);
    }
  }
}

interface Acked {
  data: string;
  version: number;
}

test('every acknowledged write survives SIGKILL of the server under concurrent load', async (t) => {
  const seed = Number(process.env.ZKTS_DURABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.log(`seed ${seed} (replay with ZKTS_DURABILITY_SEED=${seed})`);
  const rnd = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'zkts-durability-'));
  const children = new Set<ChildProcess>();
  t.teardown(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        process.kill(c.pid, 'SIGKILL');
        await waitExit(c, 5000);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const port = await freePort();
  const cfg = join(dir, 'zoo.cfg');
  writeFileSync(
    cfg,
    [`dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'tickTime=2000', 'forceSync=yes', '4lw.commands.whitelist=*', 'maxClientCnxns=0', 'admin.enableServer=false', ''].join('\n'),
  );
  let stderr = '';
  const startChild = (): ChildProcess => {
    const c = spawn(process.execPath, [join(ROOT, 'bin', 'zkts'), 'start-foreground', cfg], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-20_000);
    });
    children.add(c);
    return c;
  };

  const acked = new Map<string, Acked>();
  let totalAcked = 0;

  const verify = async (round: number): Promise<void> => {
    const c = await connectRetry(port, 20_000);
    const paths = [...acked.keys()];
    const replies = await Promise.all(paths.map((p) => c.request(OpCode.getData, GetDataRequest.encode({ path: p, watch: false }), GetDataResponse)));
    let bad = 0;
    replies.forEach((r, i) => {
      const p = paths[i]!;
      const want = acked.get(p)!;
      const ok = r.err === 0 && r.body !== null && (r.body.stat.version > want.version || (r.body.stat.version === want.version && r.body.data?.toString() === want.data));
      if (!ok && bad++ < 5) t.fail(`round ${round}: ${p} acked ${JSON.stringify(want)}, found err=${r.err} version=${r.body?.stat.version} data=${r.body?.data?.toString()}`);
    });
    if (bad === 0) t.pass();
    await c.close();
  };

  for (let round = 0; round < ROUNDS; round++) {
    const child = startChild();
    if (round > 0) await verify(round - 1);
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connectRetry(port, 20_000)));
    if (round === 0) {
      for (let k = 0; k < CLIENTS; k++) {
        const r = await clients[0]!.request(OpCode.create, CreateRequest.encode({ path: `/w${k}`, data: null, acl: OPEN, flags: 0 }), CreateResponse);
        t.is(r.err, 0);
      }
    }
    let killed = false;
    const worker = async (k: number, c: ZkTestClient, wr: () => number): Promise<void> => {
      let i = 0;
      const mine: string[] = [...acked.keys()].filter((p) => p.startsWith(`/w${k}/`));
      while (!killed) {
        try {
          if (mine.length > 0 && wr() < 0.4) {
            const path = mine[Math.floor(wr() * mine.length)]!;
            const data = `set-${round}-${i++}`;
            const r = await c.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from(data), version: -1 }), SetDataResponse);
            if (r.err === 0 && r.body !== null) {
              acked.set(path, { data, version: r.body.stat.version });
              totalAcked++;
            } else t.fail(`setData ${path} err ${r.err}`);
          } else {
            const path = `/w${k}/r${round}-${i}`;
            const data = `new-${round}-${i++}`;
            const r = await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(data), acl: OPEN, flags: 0 }), CreateResponse);
            if (r.err === 0) {
              acked.set(path, { data, version: 0 });
              mine.push(path);
              totalAcked++;
            } else t.fail(`create ${path} err ${r.err}`);
          }
        } catch {
          return; // the connection went down with the server: that write was never acknowledged
        }
      }
    };
    // Each client gets its own seeded stream so the interleaving does not shift every choice.
    const streams = clients.map(() => prng(Math.floor(rnd() * 2 ** 31)));
    const load = Promise.all(clients.map((c, k) => worker(k, c, streams[k]!)));
    const killAfterMs = 150 + Math.floor(rnd() * 700);
    await sleep(killAfterMs);
    process.kill(child.pid!, 'SIGKILL');
    t.true(await waitExit(child, 10_000), 'the killed server exited');
    killed = true;
    await load;
    for (const c of clients) c.destroy();
    t.log(`round ${round}: killed after ${killAfterMs} ms; ${acked.size} paths acknowledged, ${totalAcked} writes in all`);
  }
  const last = startChild();
  await verify(ROUNDS - 1);
  process.kill(last.pid!, 'SIGTERM');
  if (!(await waitExit(last, 10_000))) {
    process.kill(last.pid!, 'SIGKILL');
    await waitExit(last, 5000);
  }
  t.true(totalAcked > ROUNDS * 10, `load produced acknowledged writes (${totalAcked})`);
  if (!t.passed) t.log(stderr);
});
