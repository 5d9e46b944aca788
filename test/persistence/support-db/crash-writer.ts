// Child process for the crash test: opens the database in argv[2], keeps committing creates under
// /c with up to 32 in flight, and prints "durable <zxid>" for every commit that resolved (i.e. was
// fsynced and applied). The parent kills it with SIGKILL at a random moment.
import { ZkDatabase } from '../../../src/persistence/database';
import { TxnStream } from './txns';

async function main(): Promise<void> {
  const dataDir = process.argv[2]!;
  const db = await ZkDatabase.open({ dataDir, snapCount: 200 });
  const parent = db.tree.getNode('/c');
  const stream = new TxnStream(db.lastProcessedZxid, parent?.stat.cversion ?? 0);
  if (parent === null) {
    const t = stream.create('/c', Buffer.from('crash'));
    t.body.txn = { ...t.body.txn, parentCVersion: (db.tree.getNode('/')?.stat.cversion ?? 0) + 1 } as never;
    stream['parentCVersion'] = 0;
    await db.commit(t);
    process.stdout.write(`durable ${t.header.zxid}\n`);
  }
  process.stdout.write(`ready ${db.lastProcessedZxid}\n`);
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const t = stream.create(`/c/n${stream.zxid + 1n}`, Buffer.alloc(64, Number(stream.zxid & 0xffn)));
    const p: Promise<void> = db.commit(t).then(() => {
      process.stdout.write(`durable ${t.header.zxid}\n`);
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (inFlight.size >= 32) await Promise.race(inFlight);
  }
}

main().catch((e) => {
  process.stderr.write(`crash-writer: ${(e as Error).stack}\n`);
  process.exit(1);
});
