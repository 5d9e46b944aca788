// ClientConnection's output path (src/server/connection.ts) on a fake socket: the frames it
// writes are exactly length + ReplyHeader + body as the generic encoders build them (zxids of
// every sign, alternating, small, inline and large bodies, shared notification frames), a
// tick's frames reach the socket in one write per connection, and close() flushes what was
// queued before the FIN.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import test from 'ava';
import { ReplyHeader, WatcherEvent } from '../../src/protocol/generated';
import { ClientConnection, type ConnectionHost } from '../../src/server/connection';
import { silentLogger } from '../../src/util/logger';

class FakeSocket extends EventEmitter {
  readonly writes: Buffer[] = [];
  ended = false;
  destroyed = false;
  remoteAddress = '127.0.0.1';
  remotePort = 4242;
  private corked = 0;
  private held: Buffer[] = [];
  setNoDelay(): this {
    return this;
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    if (--this.corked === 0 && this.held.length > 0) {
      // a corked run reaches the wire as one writev: record it as one write
      this.writes.push(Buffer.concat(this.held));
      this.held = [];
    }
  }
  write(b: Buffer): boolean {
    if (this.ended) throw new Error('write after end');
    if (this.corked > 0) this.held.push(Buffer.from(b));
    else this.writes.push(Buffer.from(b));
    return true;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {}
  resume(): void {}
}

const host: ConnectionHost = {
  onConnectRequest: () => undefined,
  onRequest: () => undefined,
  onClosed: () => undefined,
  fourLetterWord: () => null,
};

function connection(): { conn: ClientConnection; socket: FakeSocket } {
  const socket = new FakeSocket();
  const conn = new ClientConnection(socket as unknown as Socket, host, silentLogger, 0xfffff);
  return { conn, socket };
}

function frame(xid: number, zxid: bigint, err: number, body: Buffer | null): Buffer {
  const payload = Buffer.concat([ReplyHeader.encode({ xid, zxid, err }), body ?? Buffer.alloc(0)]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(payload.length, 0);
  return Buffer.concat([len, payload]);
}

const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

test('reply frames carry every zxid exactly (negative, large, alternating) and every body size', async (t) => {
  const { conn, socket } = connection();
  // -1 first: the zxid memo must not start out claiming to hold it.
  const zxids = [-1n, 0n, -1n, 5n, 5n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, 0xffffffffn, 5n, -2n];
  const bodies = [null, Buffer.alloc(0), Buffer.from('abc'), Buffer.alloc(256, 1), Buffer.alloc(257, 2), Buffer.alloc(70_000, 3)];
  const want: Buffer[] = [];
  let xid = 1;
  for (const zxid of zxids) {
    for (const body of bodies) {
      conn.sendReply(xid, zxid, -(xid % 7), body);
      want.push(frame(xid, zxid, -(xid % 7), body));
      xid++;
    }
  }
  t.is(socket.writes.length, 0, 'nothing written before the tick ends');
  await tick();
  t.deepEqual(Buffer.concat(socket.writes), Buffer.concat(want));
  t.is(socket.writes.length, 1, 'one write for the whole tick');
});

test('notification frames: xid -1, zxid -1, err 0 and the WatcherEvent; shared across connections, once each', async (t) => {
  const conns = Array.from({ length: 5 }, () => connection());
  const events: Array<[number, string]> = [
    [3, '/a'],
    [4, '/a'],
    [3, '/b/é'],
    [3, '/a'],
  ];
  for (const [type, path] of events) for (const { conn } of conns) conn.sendEvent(type, path);
  await tick();
  const want = Buffer.concat(events.map(([type, path]) => frame(-1, -1n, 0, WatcherEvent.encode({ type, state: 3, path }))));
  for (const { socket } of conns) {
    t.is(socket.writes.length, 1);
    t.deepEqual(socket.writes[0], want);
  }
});

test('frames of different ticks are separate writes; close() flushes the queued frames before ending', async (t) => {
  const { conn, socket } = connection();
  conn.sendReply(1, 10n, 0, Buffer.from('one'));
  await tick();
  conn.sendReply(2, 11n, 0, Buffer.from('two'));
  conn.sendReply(3, 11n, 0, null);
  await tick();
  t.is(socket.writes.length, 2);
  conn.sendReply(4, 12n, -101, null);
  conn.close('test', 'debug');
  t.true(socket.ended);
  t.deepEqual(Buffer.concat(socket.writes), Buffer.concat([frame(1, 10n, 0, Buffer.from('one')), frame(2, 11n, 0, Buffer.from('two')), frame(3, 11n, 0, null), frame(4, 12n, -101, null)]));
  conn.sendReply(5, 12n, 0, null);
  await tick();
  t.is(socket.writes.length, 3, 'nothing is written after close');
});

test('a tick of large frames goes out as one corked run', async (t) => {
  const { conn, socket } = connection();
  const big = Buffer.alloc(200_000, 9);
  conn.sendReply(1, 1n, 0, big);
  conn.sendReply(2, 1n, 0, big);
  await tick();
  t.is(socket.writes.length, 1);
  t.deepEqual(socket.writes[0], Buffer.concat([frame(1, 1n, 0, big), frame(2, 1n, 0, big)]));
});
