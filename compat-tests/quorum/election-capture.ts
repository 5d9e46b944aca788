// Captures the election bytes Apache ZooKeeper 3.8.0 really sends, as golden fixtures for the unit
// suite (test/quorum/election/golden.test.ts). Run from the repo root after a build:
//   node dist/compat-tests/quorum/election-capture.js [outdir]    (default test/quorum/election/fixtures)
// The `.json` beside each `.bin` holds what the scenario itself establishes (the Java server's id,
// ports and config, and what Java reported through `srvr` and its log), never a decode of the bytes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { planEnsemble, startJavaQuorumMember, LOOPBACK, type EnsembleMember, type JavaQuorumMember } from '../support/java-ensemble';
import { within } from '../support/process';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** Collects everything a raw socket receives and lets a caller wait until enough has arrived. */
class ByteSink {
  private chunks: Buffer[] = [];
  private waiters: (() => void)[] = [];
  feed(c: Buffer): void {
    this.chunks.push(c);
    for (const w of this.waiters.splice(0)) w();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  async waitFor(pred: (b: Buffer) => number | undefined, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = pred(this.bytes);
      if (n !== undefined) return n;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms with ${this.bytes.length} bytes: ${this.bytes.toString('hex')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}

/** Length of the initial message in `b` once complete: 20 + the int at offset 16. */
const initialLength = (b: Buffer): number | undefined => (b.length >= 20 && b.length >= 20 + b.readInt32BE(16) ? 20 + b.readInt32BE(16) : undefined);
/** End offset of the first int-length frame that starts at `at`. */
const frameEnd = (at: number) => (b: Buffer): number | undefined => (b.length >= at + 4 && b.length >= at + 4 + b.readInt32BE(at) ? at + 4 + b.readInt32BE(at) : undefined);

function listenRaw(port: number): Promise<{ server: Server; first: Promise<ByteSink> }> {
  return new Promise((res, rej) => {
    let resolveFirst!: (s: ByteSink) => void;
    const first = new Promise<ByteSink>((r) => (resolveFirst = r));
    let got = false;
    const server = createServer((sock: Socket) => {
      const sink = new ByteSink();
      sock.on('data', (c) => sink.feed(c));
      sock.on('error', () => undefined);
      if (!got) {
        got = true;
        resolveFirst(sink);
      } else sock.destroy();
    });
    server.once('error', rej);
    server.listen(port, LOOPBACK, () => res({ server, first }));
  });
}

function write(dir: string, name: string, bytes: Buffer, facts: object): void {
  writeFileSync(join(dir, `${name}.bin`), bytes);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ case: name, capturedFrom: 'Apache ZooKeeper 3.8.0 (Debian)', ...facts }, null, 2) + '\n');
}

const serversFact = (members: readonly EnsembleMember[]) =>
  members.map((m) => ({ id: m.sid, host: LOOPBACK, quorumPort: m.quorumPort, electionPort: m.electionPort, role: m.role, clientHost: LOOPBACK, clientPort: m.clientPort }));

/** Java as sid 3 with silent peers 1 and 2: its initial message and first LOOKING notification. */
async function captureLooking(dir: string): Promise<void> {
  const members = await planEnsemble([1, 2, 3]);
  const peer1 = await listenRaw(members[0]!.electionPort);
  const peer2 = await listenRaw(members[1]!.electionPort);
  const java = await startJavaQuorumMember({ myId: 3, members });
  try {
    const sink = await within(peer1.first, 30_000, 'Java dialing sid 1');
    const init = await sink.waitFor(initialLength, 30_000);
    const end = await sink.waitFor(frameEnd(init), 30_000);
    const b = sink.bytes;
    const me = members[2]!;
    write(dir, 'initial-message-v1', b.subarray(0, init), { sid: '3', protocolVersion: '-65536', address: `${LOOPBACK}:${me.electionPort}` });
    write(dir, 'notification-looking', b.subarray(init + 4, end), {
      frameLength: b.readInt32BE(init),
      // A fresh dataDir: lastLoggedZxid 0, currentEpoch 0, first round of the logical clock.
      expected: { state: 0, leader: '3', zxid: '0', electionEpoch: '1', peerEpoch: '0', version: 2 },
      servers: serversFact(members),
      configVersion: '0',
    });
  } finally {
    await java.stop();
    peer1.server.close();
    peer2.server.close();
  }
}

/** Java sids 1 and 2 form an ensemble; a raw sid 3 writes LOOKING and records the leader's answer. */
async function captureLeading(dir: string): Promise<void> {
  const members = await planEnsemble([1, 2, 3]);
  const silent3 = await listenRaw(members[2]!.electionPort);
  const javas: JavaQuorumMember[] = [];
  try {
    for (const sid of [1, 2]) javas.push(await startJavaQuorumMember({ myId: sid, members }));
    const leader = await waitForLeader(javas, 60_000);
    const srvr = /Zxid: 0x([0-9a-f]+)/.exec((await srvrText(leader)) ?? '');
    if (srvr === null) throw new Error('no Zxid in srvr');
    const epoch = BigInt(`0x${srvr[1]!}`) >> 32n;
    // The leader's own last LOOKING notification (to itself) shows the round it decided in.
    const rounds = [...leader.output().matchAll(new RegExp(`my state:LOOKING; n\\.sid:${leader.sid}, n\\.state:LOOKING, n\\.leader:\\d+, n\\.round:0x([0-9a-f]+)`, 'g'))];
    const round = rounds.at(-1)?.[1];
    if (round === undefined) throw new Error('the leader did not log its own round');
    const lm = members[leader.sid - 1]!;
    const sock = connect({ host: LOOPBACK, port: lm.electionPort });
    const sink = new ByteSink();
    sock.on('data', (c) => sink.feed(c));
    await new Promise<void>((r, j) => {
      sock.once('connect', r);
      sock.once('error', j);
    });
    const hello = Buffer.alloc(20 + `${LOOPBACK}:${members[2]!.electionPort}`.length);
    hello.writeBigInt64BE(-65536n, 0);
    hello.writeBigInt64BE(3n, 8);
    hello.writeInt32BE(hello.length - 20, 16);
    hello.write(`${LOOPBACK}:${members[2]!.electionPort}`, 20);
    // A LOOKING vote for itself (zxid 0, round 1, epoch 0) in the 40-byte 3.4 format: no config needed.
    const looking = Buffer.alloc(40);
    looking.writeInt32BE(0, 0);
    looking.writeBigInt64BE(3n, 4);
    looking.writeBigInt64BE(0n, 12);
    looking.writeBigInt64BE(1n, 20);
    looking.writeBigInt64BE(0n, 28);
    const frame = Buffer.alloc(4);
    frame.writeInt32BE(40, 0);
    sock.write(Buffer.concat([hello, frame, looking]));
    // The resent last message (if any) may come first; wait for the frame that says LEADING.
    let at = 0;
    for (;;) {
      const end = await sink.waitFor(frameEnd(at), 30_000);
      const body = sink.bytes.subarray(at + 4, end);
      if (body.readInt32BE(0) === 2) {
        write(dir, 'notification-leading', body, {
          frameLength: end - at - 4,
          expected: { state: 2, leader: String(leader.sid), zxid: '0', electionEpoch: String(BigInt(`0x${round}`)), peerEpoch: String(epoch), version: 2 },
          servers: serversFact(members),
          configVersion: '0',
        });
        break;
      }
      at = end;
    }
    sock.destroy();
  } finally {
    for (const j of javas) await j.stop();
    silent3.server.close();
  }
}

async function srvrText(j: JavaQuorumMember): Promise<string | null> {
  const { fourLetterWord } = await import('../support/java-server');
  try {
    return await fourLetterWord(LOOPBACK, j.clientPort, 'srvr', 2000);
  } catch {
    return null;
  }
}

async function waitForLeader(javas: readonly JavaQuorumMember[], timeoutMs: number): Promise<JavaQuorumMember> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const j of javas) if ((await j.mode()) === 'leader') return j;
    if (Date.now() > deadline) throw new Error(`no Java leader within ${timeoutMs} ms:\n${javas.map((j) => j.output().slice(-3000)).join('\n----\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


export async function captureElectionGolden(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await captureLooking(dir);
  await captureLeading(dir);
}

if (require.main === module) {
  const dir = resolve(process.argv[2] ?? join(repoRoot, 'test', 'quorum', 'election', 'fixtures'));
  captureElectionGolden(dir).then(
    () => console.log(`election fixtures written to ${dir}`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
