// Applying logged txns to the tree with the reference's DataTree.processTxn semantics: one handler
// per txn type, multi sub-txns applied in order (a multi containing an error sub-txn applies
// nothing: every other sub-txn becomes an error txn), failures as values, and the replay fix-ups
// (NODEEXISTS on create still raises the parent's cversion/pzxid).

import { Stat, type TxnHeader } from '../protocol/generated';
import { ErrCode, OpCode } from '../protocol/opcodes';
import type { LoggedTxn, SubTxnBody, TxnBody } from '../persistence/txn';
import type { DataTree, MutationResult } from './data-tree';
import { DIGEST_VERSION } from './digest';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from './ephemeral-type';
import { parentOf } from './paths';
import { decodeSubTxnFast } from './sub-txn-decode';
import type { ApplyResult, TxnOutcome, WatchTrigger } from './types';

/** Sub-txn types a multi may hold; anything else stops the multi where it stands (as the reference's IOException). */
const MULTI_SUB_TYPES: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.createTTL,
  OpCode.createContainer,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.error,
  OpCode.check,
]);

const EMPTY = Buffer.alloc(0);

/** One (sub-)txn's outcome; one class, so every result has one object shape. */
class Outcome implements TxnOutcome {
  err: number = ErrCode.OK;
  path: string | undefined = undefined;
  statBytes: Buffer | undefined = undefined;
  multi: TxnOutcome[] | undefined = undefined;
  constructor(public type: number) {}

  get stat(): Stat | undefined {
    return this.statBytes === undefined ? undefined : Stat.decode(this.statBytes);
  }
}

class Result extends Outcome implements ApplyResult {
  readonly triggers: WatchTrigger[] = [];
  digestMismatch = false;
  constructor(
    type: number,
    readonly zxid: bigint,
  ) {
    super(type);
  }
}

/** Applies one logged txn: the tree change, lastProcessedZxid, the digest log and the txn digest check. */
export function applyTxn(tree: DataTree, txn: LoggedTxn): ApplyResult {
  const result = new Result(txn.body.type, txn.header.zxid);
  processTxn(tree, txn.header, txn.body, result, result.triggers);
  if (txn.header.zxid > tree.lastProcessedZxid) tree.lastProcessedZxid = txn.header.zxid;
  if (tree.digestFromLoadedSnapshot !== null) {
    if (tree.compareSnapshotDigest(txn.header.zxid)) result.digestMismatch = true;
  } else {
    tree.logZxidDigest(txn.header.zxid);
  }
  if (tree.digestEnabled && txn.digest !== null && tree.digestFromLoadedSnapshot === null) {
    if (txn.digest.version === DIGEST_VERSION && txn.digest.treeDigest !== tree.treeDigest) {
      tree.digestMismatches++;
      result.digestMismatch = true;
    }
  }
  return result;
}

/** Applies one txn (or sub-txn) into `rc`. */
function processTxn(tree: DataTree, header: TxnHeader, body: TxnBody | SubTxnBody, rc: Outcome, triggers: WatchTrigger[]): void {
  const { zxid, time } = header;
  switch (body.type) {
    case OpCode.create:
    case OpCode.create2: {
      const t = body.txn;
      rc.path = t.path!;
      const owner = t.ephemeral ? header.clientId : 0n;
      const r = tree.createNode(rc.path, t.data, t.acl, owner, t.parentCVersion, zxid, time, triggers, body.type === OpCode.create2);
      setOutcome(rc, r);
      if (body.type === OpCode.create && rc.err === ErrCode.NODEEXISTS) {
        // A node deleted and re-created by another session after the fuzzy snapshot: keep the parent's cversion moving.
        const err = tree.setCversionPzxid(parentOf(rc.path), t.parentCVersion, zxid);
        if (err !== ErrCode.OK) rc.err = err;
      }
      break;
    }
    case OpCode.createTTL: {
      const t = body.txn;
      rc.path = t.path!;
      const owner = ttlToEphemeralOwner(t.ttl);
      setOutcome(rc, tree.createNode(rc.path, t.data, t.acl, owner, t.parentCVersion, zxid, time, triggers, true));
      break;
    }
    case OpCode.createContainer: {
      const t = body.txn;
      rc.path = t.path!;
      setOutcome(rc, tree.createNode(rc.path, t.data, t.acl, CONTAINER_EPHEMERAL_OWNER, t.parentCVersion, zxid, time, triggers, true));
      break;
    }
    case OpCode.delete:
    case OpCode.deleteContainer:
      rc.path = body.txn.path!;
      rc.err = tree.deleteNode(rc.path, zxid, triggers);
      break;
    case OpCode.setData:
    case OpCode.reconfig:
      rc.path = body.txn.path!;
      setOutcome(rc, tree.setData(rc.path, body.txn.data, body.txn.version, zxid, time, triggers));
      break;
    case OpCode.setACL:
      rc.path = body.txn.path!;
      setOutcome(rc, tree.setACL(rc.path, body.txn.acl, body.txn.version));
      break;
    case OpCode.closeSession:
      killSession(tree, header.clientId, zxid, body.txn === null ? null : body.txn.paths2Delete, triggers);
      break;
    case OpCode.error:
      rc.err = body.txn.err;
      break;
    case OpCode.check:
      rc.path = body.txn.path!;
      break;
    case OpCode.multi:
      processMulti(tree, header, body.txn.txns ?? [], rc, triggers);
      break;
    case OpCode.createSession:
      break;
    default:
      assertNever(body);
  }
}

function setOutcome(rc: Outcome, r: MutationResult): void {
  rc.err = r.err;
  if (r.statBytes !== undefined && r.err === ErrCode.OK) rc.statBytes = r.statBytes;
}

function processMulti(
  tree: DataTree,
  header: TxnHeader,
  txns: ReadonlyArray<{ type: number; data: Buffer | null }>,
  rc: Outcome,
  triggers: WatchTrigger[],
): void {
  rc.multi = [];
  const failed = txns.some((t) => t.type === OpCode.error);
  let postFailed = false;
  for (const sub of txns) {
    if (!MULTI_SUB_TYPES.has(sub.type)) return;
    let body: SubTxnBody;
    try {
      body = decodeSubTxnFast(sub.type, sub.data ?? EMPTY);
    } catch {
      return; // an unreadable sub-txn ends the multi here, as the reference's IOException does
    }
    if (sub.type === OpCode.error) postFailed = true;
    if (failed && sub.type !== OpCode.error) {
      body = { type: OpCode.error, txn: { err: postFailed ? ErrCode.RUNTIMEINCONSISTENCY : ErrCode.OK } };
    }
    const subRc = new Outcome(body.type);
    // The multi's own header serves its sub-txns: processTxn reads clientId, zxid and time only.
    processTxn(tree, header, body, subRc, triggers);
    rc.multi.push(subRc);
    if (subRc.err !== ErrCode.OK && rc.err === ErrCode.OK) rc.err = subRc.err;
  }
}

/**
 * Deletes a closing session's ephemerals: first the paths the txn lists (3.6+), then any the
 * tree still indexes for the session that the txn did not list. Missing nodes are skipped.
 */
function killSession(tree: DataTree, sessionId: bigint, zxid: bigint, pathsInTxn: ReadonlyArray<string | null> | null, triggers: WatchTrigger[]): void {
  const local = tree.takeEphemerals(sessionId);
  if (pathsInTxn !== null) {
    for (const p of pathsInTxn) if (p !== null) tree.deleteNode(p, zxid, triggers);
  }
  if (local === undefined) return;
  if (pathsInTxn !== null) for (const p of pathsInTxn) if (p !== null) local.delete(p);
  for (const p of local) tree.deleteNode(p, zxid, triggers);
}

function assertNever(x: never): never {
  throw new Error(`unhandled txn body ${JSON.stringify(x)}`);
}
