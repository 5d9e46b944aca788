// SESSIONMOVED, differential: the same moves run on an all-Java 3.8.0 ensemble and on mixed ones
// (Java leader with zkts followers, zkts leader with Java followers). A client's session is
// reconnected through another member while its old connection stays open; what the old connection
// then sends must be refused the way the reference refuses it (checked on the all-Java run, then
// compared): no reply and the connection closed, the write not applied, one (error) txn logged.

import test from 'ava';
import { CreateRequest, CreateResponse, GetDataRequest, GetDataResponse, SetDataRequest, SetDataResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK } from '../support/java-ensemble';
import type { Member } from './ensemble-support';
import { LAYOUTS, nodeState, outcome, startEnsemble } from './session-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const LEADER = 3;

interface MoveResult {
  /** What the old connection got: an error code, or 'closed without a reply'. */
  stale: number | string;
  /** The node's version after the stale request (0: it changed nothing). */
  versionAfterStale: number | null;
  /** Txns the stale request logged. */
  txnsLogged: string;
  /** The error code of a write through the new connection. */
  fresh: number;
}

function connect(m: Member, opts: { sessionId?: bigint; passwd?: Buffer } = {}): Promise<ZkTestClient> {
  return ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000, ...opts });
}

/** Session opened on `from`, reconnected on `to`; then `stale` goes through the old connection. */
async function move(members: Member[], from: number, to: number, path: string, stale: 'setData' | 'getData'): Promise<MoveResult> {
  const at = (sid: number): Member => members.find((m) => m.sid === sid)!;
  const old = await connect(at(from));
  let moved: ZkTestClient | null = null;
  try {
    const c = await old.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('v0'), acl: OPEN_ACL, flags: 0 }), CreateResponse);
    if (c.err !== ErrCode.OK) throw new Error(`create ${path}: ${c.err}`);
    moved = await connect(at(to), { sessionId: old.sessionId, passwd: old.passwd });
    const before = await nodeState(moved, path);
    const p =
      stale === 'setData'
        ? old.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from('stale'), version: -1 }), SetDataResponse)
        : old.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
    const r = await outcome(p);
    const after = await nodeState(moved, path);
    const fresh = await moved.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from('fresh'), version: -1 }), SetDataResponse);
    return {
      stale: typeof r === 'string' ? r : r.err,
      versionAfterStale: after.version,
      txnsLogged: (after.zxid - before.zxid).toString(),
      fresh: fresh.err,
    };
  } finally {
    old.destroy();
    moved?.destroy();
  }
}

async function scenarios(members: Member[]): Promise<Record<string, MoveResult>> {
  return {
    'follower to follower, stale write': await move(members, 1, 2, '/sm-ff', 'setData'),
    'follower to leader, stale write': await move(members, 1, LEADER, '/sm-fl', 'setData'),
    'leader to follower, stale read on the leader': await move(members, LEADER, 2, '/sm-lf', 'getData'),
  };
}

let reference: Record<string, MoveResult> | null = null;

for (const layout of LAYOUTS) {
  test.serial(`SESSIONMOVED: ${layout.name}`, async (t) => {
    t.timeout(300_000);
    const e = await startEnsemble(layout.kinds);
    try {
      const got = await scenarios(e.members);
      t.log(JSON.stringify(got));
      if (reference === null) {
        reference = got;
        // The reference's own behaviour, stated once so a broken harness cannot pass silently.
        t.is(layout.name, 'all Java');
        for (const [name, r] of Object.entries(got)) t.is(r.stale, 'closed without a reply', `${name}: the reference closes the old connection`);
      }
      t.deepEqual(got, reference, `${layout.name} behaves as the all-Java ensemble`);
    } finally {
      await e.stop();
    }
  });
}
