// The election transport on loopback: who keeps the connection, resend-last, the one-slot send
// queue, dial-back, malformed input, bind failure.

import test from 'ava';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeInitialMessage, parseInitialMessage, type ElectionAddress } from '../../../src/quorum/election/initial-message';
import { ElectionTransport, ElectionTransportError } from '../../../src/quorum/transport/election-transport';
import { electionFrame } from '../../../src/quorum/transport/election-wire';
import type { Logger, LogFields } from '../../../src/util/logger';

const HOST = '127.0.0.1';

interface Captured { level: string; message: string; fields?: LogFields }
function captureLogger(lines: Captured[]): Logger {
  const l = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  const logger: Logger = { error: l('error'), warn: l('warn'), info: l('info'), debug: l('debug'), child: () => logger };
  return logger;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Node { sid: bigint; t: ElectionTransport; got: { from: bigint; payload: string }[]; log: Captured[] }

async function nodes(sids: bigint[], peers = new Map<bigint, ElectionAddress>(), extra: Partial<ConstructorParameters<typeof ElectionTransport>[0]> = {}): Promise<Node[]> {
  const out: Node[] = [];
  for (const sid of sids) {
    const log: Captured[] = [];
    const t = new ElectionTransport({ myId: sid, listen: { host: HOST, port: 0 }, peers, logger: captureLogger(log), ...extra });
    const got: Node['got'] = [];
    t.onMessage((from, p) => got.push({ from, payload: p.toString() }));
    peers.set(sid, await t.start());
    out.push({ sid, t, got, log });
  }
  return out;
}

const close = async (ns: Node[]): Promise<void> => {
  for (const n of ns) await n.t.close();
};

test('both sides dial at once: one connection per pair survives, the one the larger sid opened', async (t) => {
  const ns = await nodes([1n, 2n, 3n]);
  try {
    for (const a of ns) for (const b of ns) if (a !== b) a.t.send(b.sid, Buffer.from(`${a.sid}->${b.sid}`));
    await waitFor('all six messages', () => ns.every((n) => n.got.length >= 2));
    for (const a of ns) {
      for (const b of ns) {
        if (a.sid >= b.sid) continue;
        await waitFor(`a connection ${a.sid}-${b.sid}`, () => a.t.connectedTo(b.sid) && b.t.connectedTo(a.sid));
        const small = a.t.connectionInfo(b.sid)!;
        const large = b.t.connectionInfo(a.sid)!;
        // The same TCP connection seen from both ends, dialled by the larger sid.
        t.is(small.localPort, large.remotePort);
        t.is(small.remotePort, large.localPort);
        t.is(large.remotePort, a.t.address.port, 'the larger sid dialled the smaller one');
        t.is(small.inbound, true);
      }
    }
    // Connections replaced during the race re-send their last message: duplicates are expected.
    for (const n of ns) t.deepEqual([...new Set(n.got.map((g) => g.payload))].sort(), ns.filter((o) => o !== n).map((o) => `${o.sid}->${n.sid}`).sort());
    // No losing connection lingers: each server ends with one socket per peer.
    await waitFor('losing connections to close', () => ns.every((n) => n.t.openSocketCount() === 2));
    t.pass();
  } finally {
    await close(ns);
  }
});

test('the last message is re-sent when a connection comes back', async (t) => {
  const [one, two] = await nodes([1n, 2n]);
  try {
    two!.t.send(1n, Buffer.from('vote-A'));
    await waitFor('first delivery', () => one!.got.length === 1);
    one!.t.dropConnection(2n);
    await waitFor('the drop to be seen by 2', () => !two!.t.connectedTo(1n));
    two!.t.connectAll();
    await waitFor('the re-sent message', () => one!.got.length === 2);
    t.deepEqual(one!.got.map((g) => g.payload), ['vote-A', 'vote-A']);
  } finally {
    await close([one!, two!]);
  }
});

test('a peer that is down gets only the newest of several messages once it is up', async (t) => {
  const peers = new Map<bigint, ElectionAddress>();
  const port = await freePort();
  peers.set(1n, { host: HOST, port });
  const [two] = await nodes([2n], peers, { redialMinMs: 10, redialMaxMs: 50 });
  let one: ElectionTransport | undefined;
  try {
    for (const m of ['a', 'b', 'c']) two!.t.send(1n, Buffer.from(m));
    t.false(two!.t.haveDelivered());
    await waitFor('a failed dial', () => two!.log.some((l) => l.message.includes('cannot open channel')));
    const got: string[] = [];
    one = new ElectionTransport({ myId: 1n, listen: { host: HOST, port }, peers, logger: captureLogger([]) });
    one.onMessage((_, p) => got.push(p.toString()));
    await one.start();
    await waitFor('delivery after the peer came up', () => got.length >= 1);
    t.deepEqual(got, ['c']);
    t.true(two!.t.haveDelivered());
  } finally {
    await one?.close();
    await close([two!]);
  }
});

test('a smaller sid that dials is closed and dialled back at the address it announced', async (t) => {
  const [two] = await nodes([2n]);
  const seen: Buffer[] = [];
  const raw = await listenRaw((s) => s.on('data', (c: Buffer) => seen.push(c)));
  try {
    const rawPort = (raw.address() as { port: number }).port;
    const s = connect({ host: HOST, port: two!.t.address.port });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write(encodeInitialMessage(1n, [{ host: HOST, port: rawPort }]));
    await waitFor('our connection closed', () => s.destroyed || s.readableEnded);
    await waitFor('the dial-back', () => parseInitialMessage(Buffer.concat(seen)).kind === 'ok');
    const r = parseInitialMessage(Buffer.concat(seen));
    t.like(r, { kind: 'ok', message: { sid: 2n, addresses: [{ host: HOST, port: two!.t.address.port }] } });
  } finally {
    raw.close();
    await close([two!]);
  }
});

test('malformed input closes only that connection, with a log line', async (t) => {
  const [one, three] = await nodes([1n, 3n]);
  try {
    three!.t.send(1n, Buffer.from('before'));
    await waitFor('a good connection', () => one!.got.length === 1);
    const cases: [string, Buffer][] = [
      ['zero-length frame', Buffer.concat([encodeInitialMessage(5n, [{ host: HOST, port: 1 }]), Buffer.alloc(4)])],
      ['oversized frame', Buffer.concat([encodeInitialMessage(5n, [{ host: HOST, port: 1 }]), Buffer.from([0x00, 0x08, 0x00, 0x01])])],
      ['bad protocol version', Buffer.from('ffffffffffffffff0000000000000005', 'hex')],
      ['address length 0', Buffer.concat([Buffer.from('ffffffffffff00000000000000000005', 'hex'), Buffer.alloc(4)])],
    ];
    for (const [what, bytes] of cases) {
      const before = one!.log.filter((l) => l.level === 'error').length;
      const s = connect({ host: HOST, port: one!.t.address.port });
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.once('connect', () => r()));
      const closed = new Promise<void>((r) => s.once('close', () => r()));
      s.write(bytes);
      await closed;
      t.true(one!.log.filter((l) => l.level === 'error').length > before, `${what} is logged as an error`);
    }
    three!.t.send(1n, Buffer.from('after'));
    await waitFor('the good connection still works', () => one!.got.length === 2);
    t.deepEqual(one!.got.map((g) => g.payload), ['before', 'after']);
  } finally {
    await close([one!, three!]);
  }
});

test('a connection that never says who it is is closed after the handshake timeout', async (t) => {
  const [one] = await nodes([1n], new Map(), { handshakeTimeoutMs: 100 });
  try {
    const s = connect({ host: HOST, port: one!.t.address.port });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('close', () => r()));
    t.true(one!.log.some((l) => l.message.includes('no initial message')));
  } finally {
    await close([one!]);
  }
});

test('messages to ourselves loop back; a busy election port fails start() after the retries', async (t) => {
  const [one] = await nodes([1n]);
  const blocker = await listenRaw(() => undefined);
  try {
    one!.t.send(1n, Buffer.from('self'));
    await waitFor('loopback', () => one!.got.length === 1);
    t.deepEqual(one!.got, [{ from: 1n, payload: 'self' }]);
    const log: Captured[] = [];
    const busy = new ElectionTransport({ myId: 2n, listen: { host: HOST, port: (blocker.address() as { port: number }).port }, peers: new Map(), logger: captureLogger(log), bindRetries: 2, bindRetryDelayMs: 10 });
    const e = await t.throwsAsync(busy.start(), { instanceOf: ElectionTransportError });
    t.is(e?.code, 'ELECTION_PORT_BIND_FAILED');
    t.is(log.filter((l) => l.level === 'error').length, 2, 'one error line per attempt');
  } finally {
    blocker.close();
    await close([one!]);
  }
});

function listenRaw(onConn: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.on('error', () => undefined);
      onConn(s);
    });
    server.listen(0, HOST, () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const s = await listenRaw(() => undefined);
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a frame split across writes is reassembled', async (t) => {
  const [one] = await nodes([1n]);
  try {
    const s = connect({ host: HOST, port: one!.t.address.port });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const bytes = Buffer.concat([encodeInitialMessage(4n, [{ host: HOST, port: 1 }]), electionFrame(Buffer.from('split-frame'))]);
    for (let i = 0; i < bytes.length; i += 3) {
      s.write(bytes.subarray(i, i + 3));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('the frame', () => one!.got.length === 1);
    t.deepEqual(one!.got, [{ from: 4n, payload: 'split-frame' }]);
    s.destroy();
  } finally {
    await close([one!]);
  }
});
