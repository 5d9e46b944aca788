// A seeded wire fuzzer: >= 100,000 malformed frames over many short connections (random bytes, bad
// lengths, truncated records, garbage bodies, unknown opcodes, requests before the handshake,
// partial frames then close) while a well-behaved session keeps writing. The server must stay up,
// leave the good session alone, keep every acknowledged write (checked after a restart), log each
// connection it closes exactly once naming the peer, and not run away with memory.
// Replay with ZKTS_FUZZ_SEED=<seed>.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startServer } from '../../src';
import {
  ConnectRequest,
  CreateRequest,
  CreateResponse,
  ExistsRequest,
  ExistsResponse,
  GetDataRequest,
  GetDataResponse,
  RequestHeader,
  SetDataRequest,
} from '../../src/protocol/generated';
import { frame } from '../../src/protocol/frame-decoder';
import { OpCode } from '../../src/protocol/opcodes';
import { prng, randomBytes } from '../support/prng';
import { ZkTestClient } from '../support/zk-client';
import { captureLogger, type CapturedLine } from './support-fuzz/capture-logger';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const MAXBUF = 0xfffff;
const FRAMES_MIN = 100_000;
const DEADLINE_MS = 60_000;
const PARALLEL = 16;
// Opcodes whose garbage bodies keep the connection (the batch terminators close it instead).
const KEEP_OPCODES = Object.values(OpCode).filter(
  (o) => o !== OpCode.closeSession && o !== OpCode.auth && o !== OpCode.notification && o !== OpCode.error,
);
const FOUR_LETTER = /^[a-z]{4}$/;

type Rnd = () => number;
const int = (r: Rnd, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n | 0, 0);
  return b;
};

interface ConnResult {
  localPort: number;
  /** The server ended or reset the connection (we did not close it first). */
  serverClosed: boolean;
  /** The first four bytes sent, to exempt four-letter words (answered and closed without a log line). */
  head: string;
}

/** One raw connection: runs `script` (which writes), then waits up to `waitMs` for the server to close. */
function rawConn(port: number, script: (s: Socket) => { waitMs: number; destroy?: boolean }): Promise<ConnResult> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let serverClosed = false;
    let weClosed = false;
    let head = '';
    let timer: NodeJS.Timeout | null = null;
    let localPort = 0;
    const origWrite = s.write.bind(s);
    s.write = ((chunk: Buffer, ...rest: never[]) => {
      if (head.length < 4) head += Buffer.from(chunk).subarray(0, 4 - head.length).toString('latin1');
      return origWrite(chunk, ...rest);
    }) as typeof s.write;
    s.on('data', () => {});
    s.on('end', () => {
      if (!weClosed) serverClosed = true;
    });
    s.on('error', () => {
      if (!weClosed) serverClosed = true;
    });
    s.on('close', () => {
      if (timer) clearTimeout(timer);
      resolve({ localPort, serverClosed, head });
    });
    s.on('connect', () => {
      localPort = s.localPort ?? 0;
      const { waitMs, destroy } = script(s);
      const giveUp = () => {
        if (serverClosed) return;
        weClosed = true;
        s.destroy();
      };
      if (destroy === true) giveUp();
      else timer = setTimeout(giveUp, waitMs);
    });
  });
}

function connectFrame(r: Rnd): Buffer {
  return frame(
    ConnectRequest.encode({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: int(r, 1, 5000), sessionId: 0n, passwd: Buffer.alloc(16), readOnly: r() < 0.5 }),
  );
}

/** A well-framed request whose body is wrong: random bytes, or a real record cut short. */
function badRequestFrame(r: Rnd): Buffer {
  const type = r() < 0.9 ? pick(r, KEEP_OPCODES) : int(r, -20, 120);
  const head = RequestHeader.encode({ xid: r() < 0.8 ? int(r, 1, 1 << 30) : int(r, -(2 ** 31), 2 ** 31 - 1), type });
  let body: Buffer;
  const k = r();
  if (k < 0.5) body = randomBytes(r, int(r, 0, 64));
  else {
    const whole =
      k < 0.7
        ? CreateRequest.encode({ path: `/fz/${int(r, 0, 99)}`, data: randomBytes(r, 8), acl: OPEN, flags: int(r, 0, 6) })
        : k < 0.85
          ? SetDataRequest.encode({ path: `/fz/${int(r, 0, 99)}`, data: randomBytes(r, 8), version: int(r, -1, 3) })
          : GetDataRequest.encode({ path: `/fz/${int(r, 0, 99)}`, watch: r() < 0.5 });
    body = whole.subarray(0, int(r, 0, whole.length - 1));
    // Sometimes corrupt a length field inside the record instead of cutting it.
    if (r() < 0.3 && whole.length >= 4) {
      body = Buffer.from(whole);
      body.writeInt32BE(pick(r, [-1, -2, 0x7fffffff, MAXBUF + 1, int(r, 0, 1 << 20)]), 0);
    }
  }
  // Unknown opcodes (UNIMPLEMENTED) close the connection: only the batch terminator may use them.
  return frame(Buffer.concat([head, body]));
}

test('the server survives 100k malformed frames; good session, acked writes, logs and memory intact', async (t) => {
  const seed = Number(process.env.ZKTS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.log(`seed ${seed} (replay with ZKTS_FUZZ_SEED=${seed})`);
  const dataDir = mkdtempSync(join(tmpdir(), 'zkts-fuzz-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const lines: CapturedLine[] = [];
  const zk = await startServer({ dataDir, logger: captureLogger(lines), maxClientCnxns: 0 });
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await zk.stop();
  });

  // The good session: a node, an ephemeral, and a writer that keeps going during the fuzz.
  const good = await ZkTestClient.connect(zk.host, zk.port, { timeoutMs: 30_000 });
  t.is((await good.request(OpCode.create, CreateRequest.encode({ path: '/good', data: Buffer.from('payload'), acl: OPEN, flags: 0 }), CreateResponse)).err, 0);
  t.is((await good.request(OpCode.create, CreateRequest.encode({ path: '/good-eph', data: Buffer.from('e'), acl: OPEN, flags: 1 }), CreateResponse)).err, 0);
  const acked: string[] = [];
  let fuzzing = true;
  const writer = (async () => {
    for (let i = 0; fuzzing; i++) {
      const path = `/good/n${i}`;
      const res = await good.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(`d${i}`), acl: OPEN, flags: 0 }), CreateResponse);
      if (res.err === 0) acked.push(path);
      else throw new Error(`good write ${path} failed: ${res.err}`);
      await new Promise((res2) => setTimeout(res2, 2));
    }
  })();

  const heapBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  let frames = 0;
  let conns = 0;
  const results: ConnResult[] = [];
  const kinds = new Map<string, number>();

  const oneConnection = (cr: Rnd): Promise<ConnResult> => {
    const kind = pick(cr, ['random', 'badlen', 'garbage-connect', 'truncated-connect', 'request-first', 'session', 'session', 'session', 'session', 'partial'] as const);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    return rawConn(zk.port, (s) => {
      switch (kind) {
        case 'random': {
          s.write(randomBytes(cr, int(cr, 1, 256)));
          frames++;
          return { waitMs: 100 };
        }
        case 'badlen': {
          const len = pick(cr, [-1, -(2 ** 31), int(cr, -1000, -1), MAXBUF + 1, 2 ** 31 - 1, int(cr, MAXBUF + 1, 2 ** 31 - 1)]);
          s.write(Buffer.concat([be32(len), randomBytes(cr, int(cr, 0, 32))]));
          frames++;
          return { waitMs: 2000 };
        }
        case 'garbage-connect': {
          s.write(frame(randomBytes(cr, int(cr, 0, 60))));
          frames++;
          return { waitMs: 300 };
        }
        case 'truncated-connect': {
          const whole = ConnectRequest.encode({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 3000, sessionId: 0n, passwd: Buffer.alloc(16) });
          s.write(frame(whole.subarray(0, int(cr, 0, whole.length - 2))));
          frames++;
          return { waitMs: 2000 };
        }
        case 'request-first': {
          s.write(frame(Buffer.concat([RequestHeader.encode({ xid: 1, type: OpCode.getData }), GetDataRequest.encode({ path: '/good', watch: false })])));
          frames++;
          return { waitMs: 2000 };
        }
        case 'partial': {
          const pre = cr() < 0.5 ? connectFrame(cr) : Buffer.alloc(0);
          const declared = int(cr, 8, 4096);
          s.write(Buffer.concat([pre, be32(declared), randomBytes(cr, int(cr, 0, declared - 1))].slice(0, cr() < 0.2 ? 1 : 3)));
          frames++;
          return { waitMs: int(cr, 0, 20), destroy: cr() < 0.5 };
        }
        case 'session': {
          // A valid handshake, then a batch of well-framed bad requests, then a terminator.
          const batch: Buffer[] = [connectFrame(cr)];
          const n = int(cr, 20, 80);
          for (let i = 0; i < n; i++) batch.push(badRequestFrame(cr));
          frames += n;
          const end = pick(cr, ['close', 'close', 'unknown', 'short', 'auth', 'partial', 'drop'] as const);
          let waitMs = 5000;
          let destroy = false;
          if (end === 'close') batch.push(frame(RequestHeader.encode({ xid: 2 ** 30 + 1, type: OpCode.closeSession })));
          else if (end === 'unknown') batch.push(frame(Buffer.concat([RequestHeader.encode({ xid: 7, type: pick(cr, [10, 23, 99, 200, -3, 0x7fffffff]) }), randomBytes(cr, 8)])));
          else if (end === 'short') batch.push(frame(randomBytes(cr, int(cr, 0, 7))));
          else if (end === 'auth') batch.push(frame(Buffer.concat([RequestHeader.encode({ xid: -4, type: OpCode.auth }), randomBytes(cr, int(cr, 0, 3))])));
          else if (end === 'partial') {
            batch.push(be32(int(cr, 100, 1000)), randomBytes(cr, int(cr, 0, 50)));
            waitMs = 20;
          } else waitMs = 20;
          if (end !== 'close' && end !== 'drop' && end !== 'partial') frames++;
          s.write(Buffer.concat(batch));
          return { waitMs, destroy };
        }
      }
    });
  };

  // PARALLEL workers, each with its own seeded stream, until the frame target is met.
  const workers = Array.from({ length: PARALLEL }, (_, w) =>
    (async () => {
      const cr = prng((seed ^ Math.imul(w + 1, 0x9e3779b1)) >>> 0);
      while (frames < FRAMES_MIN && Date.now() - started < DEADLINE_MS) {
        conns++;
        results.push(await oneConnection(cr));
      }
    })(),
  );
  await Promise.all(workers);
  fuzzing = false;
  await writer;
  const runtimeMs = Date.now() - started;
  t.log(`${frames} malformed frames over ${conns} connections in ${runtimeMs} ms; kinds ${JSON.stringify(Object.fromEntries(kinds))}; ${acked.length} good writes`);
  t.true(frames >= FRAMES_MIN, `sent ${frames} frames before the deadline`);

  // The good session was not disturbed.
  const got = await good.request(OpCode.getData, GetDataRequest.encode({ path: '/good', watch: false }), GetDataResponse);
  t.is(got.err, 0);
  t.is(got.body?.data?.toString(), 'payload');
  const eph = await good.request(OpCode.exists, ExistsRequest.encode({ path: '/good-eph', watch: false }), ExistsResponse);
  t.is(eph.err, 0);
  t.is(eph.body?.stat.ephemeralOwner, good.sessionId);

  // Logs: nothing at error level; every connection line names its peer; each connection the
  // server closed has exactly one 'closing connection' line (four-letter words excepted).
  t.deepEqual(lines.filter((l) => l.level === 'error').map((l) => l.message), []);
  const byPeer = new Map<string, number>();
  for (const l of lines) {
    if (l.message === 'closing connection' || l.message === 'connection error') {
      t.regex(String(l.fields.peer), /^127\.0\.0\.1:\d+$/, `${l.message} names the peer`);
    }
    if (l.message === 'closing connection') byPeer.set(String(l.fields.peer), (byPeer.get(String(l.fields.peer)) ?? 0) + 1);
  }
  let mismatched = 0;
  let serverClosed = 0;
  for (const res of results) {
    const n = byPeer.get(`127.0.0.1:${res.localPort}`) ?? 0;
    // Ephemeral ports are reused over many connections: compare per port only when it was used once.
    const reused = results.filter((x) => x.localPort === res.localPort).length > 1;
    if (reused) continue;
    if (res.serverClosed) serverClosed++;
    const ok = res.serverClosed ? n === 1 || (n === 0 && FOUR_LETTER.test(res.head)) : n <= 1;
    if (!ok && mismatched++ < 5) t.fail(`connection from port ${res.localPort} (server closed: ${res.serverClosed}) has ${n} 'closing connection' lines`);
  }
  t.log(`${serverClosed} server-closed connections checked against the log`);
  t.true(serverClosed > 1000, `server closed ${serverClosed} connections`);

  const heapAfter = process.memoryUsage().heapUsed;
  t.log(`heapUsed ${(heapBefore / 2 ** 20).toFixed(0)} MB -> ${(heapAfter / 2 ** 20).toFixed(0)} MB`);
  t.true(heapAfter - heapBefore < 200 * 2 ** 20, 'memory did not run away');

  // Every acknowledged good write is durable: restart on the same dataDir and read them all.
  await good.close();
  stopped = true;
  await zk.stop();
  const again = await startServer({ dataDir });
  t.teardown(() => again.stop());
  const c = await ZkTestClient.connect(again.host, again.port, { timeoutMs: 30_000 });
  const reads = await Promise.all(acked.map((p) => c.request(OpCode.getData, GetDataRequest.encode({ path: p, watch: false }), GetDataResponse)));
  t.deepEqual(
    reads.map((x, i) => (x.err === 0 ? null : acked[i])).filter((x) => x !== null),
    [],
    'every acknowledged write is present after restart',
  );
  t.is(reads.filter((x, i) => x.body?.data?.toString() === `d${acked[i]!.slice('/good/n'.length)}`).length, acked.length);
  await c.close();
});
