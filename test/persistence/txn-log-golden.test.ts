// The reference's own logs (written by FileTxnLog in compat-tests/persistence/txnlog/MakeTxnLogs.java):
// our reader finds every txn the manifest lists, and our writer, given the same appends, commits
// and rolls, writes the same files byte for byte, preallocation included.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import test from 'ava';
import { decodeTxn, encodeTxn } from '../../src/persistence/txn';
import { openTxnIterator, TxnLogWriter, type AppendInput } from '../../src/persistence/txn-log';
import { appendsOf, loadManifests, type Manifest } from './support-txnlog/fixtures';
import { tempDir } from './support-txnlog/helpers';

const manifests = loadManifests();

test('the fixtures cover every scenario and file the Java program wrote', (t) => {
  t.deepEqual(
    manifests.map((m) => m.scenario),
    ['basic', 'size-limit'],
  );
  for (const m of manifests) {
    const onDisk = readdirSync(m.dir).filter((n) => n.startsWith('log.'));
    t.deepEqual(onDisk.sort(), m.files.map((f) => f.name).sort(), m.scenario);
    for (const f of m.files) t.is(readFileSync(join(m.dir, f.name)).length, f.size, `${m.scenario}/${f.name}`);
  }
  const basic = manifests[0]!;
  const types = new Set(appendsOf(basic).map((a) => a.typeName));
  for (const name of ['createSession', 'closeSession', 'create', 'create2', 'createContainer', 'createTtl', 'delete', 'deleteContainer', 'setData', 'setACL', 'error', 'multi', 'reconfig']) {
    t.true(types.has(name), `basic covers ${name}`);
  }
});

for (const m of manifests) {
  test(`${m.scenario}: the reader returns every txn of the reference's logs, in order`, (t) => {
    const appends = appendsOf(m);
    const it = openTxnIterator(m.dir, 0n);
    const records = [...it];
    t.is(records.length, appends.length);
    records.forEach((r, i) => {
      const want = appends[i]!;
      const h = r.txn.header;
      t.is(r.zxid, want.zxid, `record ${i} zxid`);
      t.deepEqual([h.type, h.clientId, h.cxid, h.time], [want.type, want.clientId, want.cxid, want.time], `record ${i} header`);
      t.deepEqual(r.txn.digest, want.digest, `record ${i} digest`);
      t.true(r.entry.equals(want.entry), `record ${i} entry bytes`);
    });
    // Every file ends in its zero padding.
    t.deepEqual(
      it.ends.map((e) => [basename(e.file), e.reason]),
      m.files.map((f) => [f.name, 'zero-length']),
    );
    // The records sit in the files their zxids name.
    const fileOf = new Map(records.map((r) => [r.zxid, basename(r.file)]));
    for (const f of m.files) t.is(fileOf.get(BigInt(`0x${f.name.slice(4)}`)), f.name, `${f.name} starts with its zxid`);
  });

  test(`${m.scenario}: decoded txns re-encode to the reference's entry bytes`, (t) => {
    for (const a of appendsOf(m)) {
      const txn = decodeTxn(a.entry);
      const again = encodeTxn(txn);
      // A pre-3.3 create decodes with parentCVersion -1 and re-encodes in today's layout.
      if (a.type === 1 && txn.body.type === 1 && txn.body.txn.parentCVersion === -1) continue;
      t.true(again.equals(a.entry), `0x${a.zxid.toString(16)} ${a.typeName}`);
    }
  });

  for (const form of ['encoded', 'decoded'] as const) {
    test(`${m.scenario}: our writer reproduces the reference's files byte for byte (${form} txns)`, async (t) => {
      const dir = tempDir(t);
      const writer = new TxnLogWriter(dir, {
        preAllocSizeBytes: m.preAllocSize,
        txnLogSizeLimitBytes: m.txnLogSizeLimit,
        forceSync: false,
      });
      await replay(m, writer, form);
      await writer.close();
      const written = readdirSync(dir).sort();
      t.deepEqual(written, m.files.map((f) => f.name).sort());
      for (const f of m.files) {
        const ours = readFileSync(join(dir, f.name));
        const theirs = readFileSync(join(m.dir, f.name));
        t.is(ours.length, theirs.length, `${f.name} length`);
        t.true(ours.equals(theirs), `${f.name} bytes`);
      }
    });
  }
}

/** Each commit group is appended within one turn of the event loop, so it becomes one batch. */
async function replay(m: Manifest, writer: TxnLogWriter, form: 'encoded' | 'decoded'): Promise<void> {
  let group: Promise<void>[] = [];
  for (const s of m.steps) {
    if (s.op === 'append') {
      const input: AppendInput = form === 'encoded' ? { zxid: s.zxid, entry: s.entry } : decodeTxn(s.entry);
      if (form === 'decoded' && !encodeTxn(input as ReturnType<typeof decodeTxn>).equals(s.entry)) {
        // The pre-3.3 create cannot be re-encoded from its decoded form; append its bytes.
        group.push(writer.append({ zxid: s.zxid, entry: s.entry }));
        continue;
      }
      group.push(writer.append(input));
    } else if (s.op === 'commit') {
      await Promise.all(group);
      group = [];
    } else {
      writer.roll();
    }
  }
  await Promise.all(group);
}
