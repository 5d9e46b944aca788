// Logs written by our TxnLogWriter are read by the reference's own TxnLogToolkit (`-d` dump):
// every file opens, every record passes its CRC check and decodes, and the dump lists every txn
// with its zxid and type. Also: the golden-log program reproduces the committed fixtures.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { LoggedTxn } from '../../../src/persistence/txn';
import { listLogFiles, TxnLogWriter } from '../../../src/persistence/txn-log';
import { OpCode } from '../../../src/protocol/opcodes';
import { repoRoot, txnLogFixturesDir } from '../../../test/persistence/support-txnlog/fixtures';
import { everyTypeTxns, setDataTxn } from '../../../test/persistence/support-txnlog/helpers';

const CP = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'slf4j-nop.jar'].map((j) => `/usr/share/java/${j}`).join(':');

/** Request.op2String, as the toolkit prints the type. */
const JAVA_OP_NAME = new Map<number, string>([
  [OpCode.createSession, 'createSession'],
  [OpCode.closeSession, 'closeSession'],
  [OpCode.create, 'create'],
  [OpCode.create2, 'create2'],
  [OpCode.createContainer, 'createContainer'],
  [OpCode.createTTL, 'createTtl'],
  [OpCode.delete, 'delete'],
  [OpCode.deleteContainer, 'deleteContainer'],
  [OpCode.setData, 'setData'],
  [OpCode.setACL, 'setACL'],
  [OpCode.error, 'error'],
  [OpCode.multi, 'multi'],
  [OpCode.reconfig, 'reconfig'],
]);

function withTemp<T>(label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `zkts-${label}-`));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test("the reference's TxnLogToolkit dumps our logs: every txn, no CRC error", async (t) => {
  await withTemp('toolkit', async (dir) => {
    // Default 64 MiB preallocation; two files, one with a 200-txn group commit.
    const w = new TxnLogWriter(dir);
    const expected: LoggedTxn[] = [];
    const add = (x: LoggedTxn): Promise<void> => {
      expected.push(x);
      return w.append(x);
    };
    for (const x of everyTypeTxns(0x100000001n)) await add(x);
    await Promise.all(Array.from({ length: 200 }, (_, i) => add(setDataTxn(0x100000100n + BigInt(i), 100, i % 2 === 0))));
    w.roll();
    await Promise.all(everyTypeTxns(0x200000001n).map(add));
    await w.close();

    const files = listLogFiles(dir);
    t.deepEqual(
      files.map((f) => f.name),
      ['log.100000001', 'log.200000001'],
    );
    const dumped: [string, string][] = [];
    for (const f of files) {
      const out = execFileSync('java', ['-cp', CP, 'org.apache.zookeeper.server.persistence.TxnLogToolkit', '-d', f.path], {
        encoding: 'latin1',
        timeout: 30_000,
      });
      t.regex(out, /^ZooKeeper Transactional Log File with dbid 0 txnlog format version 2$/m, f.name);
      t.notRegex(out, /CRC ERROR|partial|Exception/, f.name);
      const lines = [...out.matchAll(/ zxid 0x([0-9a-f]+) (\w+)/g)].map((m) => [m[1]!, m[2]!] as [string, string]);
      const count = /EOF reached after (\d+) txns\./.exec(out);
      t.truthy(count, `${f.name}: the dump ends at EOF`);
      t.is(Number(count![1]), lines.length, f.name);
      dumped.push(...lines);
    }
    t.deepEqual(
      dumped,
      expected.map((x) => [x.header.zxid.toString(16), JAVA_OP_NAME.get(x.header.type)!]),
    );
    t.log(`${dumped.length} txns in ${files.length} files dumped by TxnLogToolkit`);
  });
});

test('the golden-log program on the reference jars reproduces the committed fixtures byte for byte', async (t) => {
  await withTemp('txnlog-golden', async (out) => {
    execFileSync('bash', ['compat-tests/persistence/txnlog/generate.sh', out], { cwd: repoRoot, stdio: 'pipe', timeout: 120_000 });
    const list = (root: string) => readdirSync(root).flatMap((s) => readdirSync(join(root, s)).map((f) => `${s}/${f}`)).sort();
    const committed = list(txnLogFixturesDir);
    t.deepEqual(list(out), committed);
    const differing = committed.filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join(txnLogFixturesDir, f))));
    t.deepEqual(differing, []);
  });
});
