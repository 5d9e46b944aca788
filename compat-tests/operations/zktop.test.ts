// zktop (Debian's `zktop`, a curses monitor) against zkts and against Apache ZooKeeper 3.8.0 after
// the same workload. zktop has no batch mode: it polls each server with the `stat` four-letter
// word and draws a summary line ("Ensemble -- nodecount:N zxid:0xZ sessions:S") and one row per
// server (ID SERVER PORT M OUTST RECVD SENT CONNS ...). It runs here in a pseudo-terminal; pyte
// renders the screen; the run stops once both lines are drawn (bounded), by pid.

import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as zookeeper from 'node-zookeeper-client';
import { fourLetterWord, startJavaServer } from '../support/java-server';
import { startServer } from '../../src/index';

const PYTHON = '/usr/bin/python3';
const ZKTOP = '/usr/bin/zktop';

/**
 * Runs zktop for one server in a pty of 100x30, feeds its output to a pyte screen until the
 * summary and the server row are drawn (or the deadline), prints the screen, quits zktop with
 * `q` and kills it by pid if it lingers. Exit 3 when the screen never showed them.
 */
const SCREEN_PY = String.raw`
import fcntl, os, pty, re, select, signal, struct, sys, termios, time
import pyte
server, timeout = sys.argv[1], float(sys.argv[2])
cols, rows = 100, 30
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.environ['TERM'] = 'xterm'
    os.execv('${ZKTOP}', ['zktop', '--servers', server])
screen = pyte.Screen(cols, rows)
stream = pyte.ByteStream(screen)
summary = re.compile(r'Ensemble -- nodecount:\d+ zxid:0x[0-9a-f]+ sessions:\d+')
row = re.compile(r'^0 +\S+ +\d+ [A-Z] +\d+ +\d+ +\d+ +\d+ +\d+ +[0-9.]+ +\d+ *$', re.M)
deadline = time.time() + timeout
found = False
while time.time() < deadline and not found:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    stream.feed(data)
    text = '\n'.join(screen.display)
    found = bool(summary.search(text) and row.search(text))
# Take the rest of the frame being drawn (a row may arrive split across reads).
while found:
    ready, _, _ = select.select([fd], [], [], 0.3)
    if not ready:
        break
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    stream.feed(data)
print('\n'.join(line.rstrip() for line in screen.display))
sys.stdout.flush()
try:
    os.write(fd, b'q')
except OSError:
    pass
end = time.time() + 5
while time.time() < end:
    if os.waitpid(pid, os.WNOHANG)[0] == pid:
        break
    time.sleep(0.05)
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
sys.exit(0 if found else 3)
`;

interface Screen {
  text: string;
  nodeCount: number;
  zxid: bigint;
  sessions: number;
  mode: string;
  conns: number;
}

/** zktop's screen for `host:port`, parsed. */
function zktopScreen(server: string, timeoutMs = 30_000): Promise<Screen> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCREEN_PY, server, String(timeoutMs / 1000)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // The helper bounds itself; this is the backstop, by pid.
    const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 15_000);
    child.on('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (code !== 0) {
        reject(new Error(`zktop screen helper exited ${code}; screen:\n${out}\n${err}`));
        return;
      }
      const sum = /Ensemble -- nodecount:(\d+) zxid:0x([0-9a-f]+) sessions:(\d+)/.exec(out);
      const row = /^0 +(\S+) +(\d+) ([A-Z]) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +([0-9.]+) +(\d+)$/m.exec(out);
      if (sum === null || row === null) {
        reject(new Error(`zktop screen without the expected lines:\n${out}`));
        return;
      }
      resolve({ text: out, nodeCount: Number(sum[1]), zxid: BigInt(`0x${sum[2]}`), sessions: Number(sum[3]), mode: row[3]!, conns: Number(row[7]) });
    });
  });
}

const call = <T>(f: (cb: (e: unknown, r?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((e, r) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve(r as T))));

/** Three creates on a new session (4 txns with createSession); returns the client, still connected. */
async function workload(connectString: string): Promise<{ client: zookeeper.Client; lastZxid: bigint }> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 0 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no session with ${connectString} in 15 s`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  for (const p of ['/zktop', '/zktop/a', '/zktop/b']) await call((cb) => client.create(p, Buffer.alloc(0), cb));
  // The zxid, read back as the created node's czxid: what the server's stat should report.
  const stat = await call<zookeeper.Stat>((cb) => client.exists('/zktop/b', cb));
  return { client, lastZxid: BigInt(`0x${stat.czxid.toString('hex')}`) };
}

/** `Node count:` from the server's own `srvr`. */
async function srvrNodeCount(host: string, port: number): Promise<number> {
  const m = /Node count: (\d+)/.exec(await fourLetterWord(host, port, 'srvr'));
  if (m === null) throw new Error('srvr without Node count');
  return Number(m[1]);
}

test('zktop shows zkts\'s mode, node count, zxid and sessions, as it does for the reference', async (t) => {
  if (!existsSync(ZKTOP)) t.fail('zktop is not installed: run compat-tests/install-deps.sh');
  const java = await startJavaServer();
  t.teardown(() => java.stop());
  const zkts = await startServer({ fourLetterWords: ['*'] });
  t.teardown(() => zkts.stop());

  const javaLoad = await workload(`${java.host}:${java.port}`);
  t.teardown(() => javaLoad.client.close());
  const zktsLoad = await workload(zkts.connectString);
  t.teardown(() => zktsLoad.client.close());

  const javaScreen = await zktopScreen(`${java.host}:${java.port}`);
  const zktsScreen = await zktopScreen(`${zkts.host}:${zkts.port}`);
  t.log(`zkts:\n${zktsScreen.text.split('\n').slice(0, 4).join('\n')}`);

  // Values from zkts: standalone mode, its node count, the zxid of the last write.
  t.is(zktsScreen.mode, 'S');
  t.is(zktsScreen.nodeCount, await srvrNodeCount(zkts.host, zkts.port));
  t.is(zktsScreen.zxid, zktsLoad.lastZxid);
  t.is(zktsScreen.zxid, 4n, 'createSession and three creates');
  // stat lists the asking connection too: the client's and zktop's own.
  t.is(zktsScreen.sessions, 2);
  t.is(zktsScreen.conns, 2);

  // The reference, after the same workload, shows the same.
  t.is(javaScreen.mode, 'S');
  t.is(javaScreen.zxid, javaLoad.lastZxid);
  t.deepEqual(
    { nodeCount: zktsScreen.nodeCount, zxid: zktsScreen.zxid, sessions: zktsScreen.sessions, conns: zktsScreen.conns },
    { nodeCount: javaScreen.nodeCount, zxid: javaScreen.zxid, sessions: javaScreen.sessions, conns: javaScreen.conns },
  );
});
