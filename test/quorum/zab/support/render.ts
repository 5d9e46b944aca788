// One-line renderings of machine outputs, so scenario tests read as transcripts:
//   send 1 LEADERINFO 0x200000000 00010000
//   persistEpoch accepted 2 #1

import type { QuorumPacket } from '../../../../src/protocol/generated';
import type { LeaderOutput } from '../../../../src/quorum/zab/leader-types';
import type { LearnerOutput } from '../../../../src/quorum/zab/learner-types';
import { packetTypeName } from '../../../../src/quorum/zab/packets';

export function hexZ(z: bigint): string {
  return z < 0n ? z.toString() : `0x${z.toString(16)}`;
}

export function renderPacket(p: QuorumPacket): string {
  const data = p.data === null ? '-' : p.data.length <= 24 ? p.data.toString('hex') || '<empty>' : `<${p.data.length} bytes>`;
  const auth = p.authinfo === null ? '' : ` auth=${p.authinfo.map((i) => `${i.scheme}:${i.id}`).join(',')}`;
  return `${packetTypeName(p.type)} ${hexZ(p.zxid)} ${data}${auth}`;
}

export function render(o: LeaderOutput | LearnerOutput): string {
  switch (o.type) {
    case 'send':
      return 'to' in o ? `send ${o.to} ${renderPacket(o.packet)}` : `send ${renderPacket(o.packet)}`;
    case 'sendSnapshot':
      return `sendSnapshot ${o.to} ${hexZ(o.zxid)}`;
    case 'close':
      return `close ${o.conn}: ${o.reason}`;
    case 'persistTxns':
      return `persistTxns #${o.token} [${o.txns.map((t) => hexZ(t.zxid)).join(',')}]`;
    case 'persistEpoch':
      return `persistEpoch ${o.which} ${o.epoch} #${o.token}`;
    case 'applyCommitted':
      return `apply ${hexZ(o.txn.zxid)}`;
    case 'learnerIdentified':
      return `learnerIdentified ${o.conn} sid ${o.sid}${o.observer ? ' observer' : ''}`;
    case 'learnerSyncPlanned':
      return `syncPlanned ${o.conn} ${o.plan.kind} ${hexZ(o.plan.zxid)} ${o.plan.proposalCount} (${o.plan.reason})`;
    case 'serve':
      return 'zxid' in o ? `serve epoch ${o.epoch} ${hexZ(o.zxid)}` : `serve epoch ${o.epoch}`;
    case 'learnerRequest':
      return `learnerRequest ${o.conn} sid ${o.sid} session ${hexZ(o.request.sessionId)} cxid ${o.request.cxid} op ${o.request.opType} body ${o.request.body.toString('hex') || '-'}`;
    case 'touchSessions':
      return `touchSessions sid ${o.sid} [${o.sessions.map((s) => `${hexZ(s.sessionId)}:${s.timeoutMs}`).join(',')}]`;
    case 'revalidateSession':
      return `revalidateSession ${o.conn} sid ${o.sid} ${hexZ(o.sessionId)} ${o.timeoutMs}`;
    case 'abdicate':
      return `abdicate: ${o.reason}`;
    case 'log':
      return `log ${o.level}: ${o.message}`;
    case 'loadSnapshot':
      return `loadSnapshot ${hexZ(o.zxid)} #${o.token}`;
    case 'truncateLog':
      return `truncateLog ${hexZ(o.zxid)} #${o.token}`;
    case 'takeSnapshot':
      return `takeSnapshot${o.sync ? ' sync' : ''} #${o.token}`;
    case 'leaderConfig':
      return `leaderConfig ${JSON.stringify(o.config.toString())}`;
    case 'configProposed':
      return `configProposed ${JSON.stringify(o.config)}`;
    case 'activateConfig':
      return `activateConfig ${JSON.stringify(o.config)} leader ${o.designatedLeader ?? '-'} ${o.zxid === null ? '-' : hexZ(o.zxid)}${o.thenApplies ? ' thenApplies' : ''}`;
    case 'syncCompleted':
      return 'syncCompleted';
    case 'sessionRevalidated':
      return `sessionRevalidated ${hexZ(o.sessionId)} ${o.valid}`;
    case 'disconnect':
      return `disconnect: ${o.reason}`;
    case 'fatal':
      return `fatal ${o.exitCode}: ${o.reason}`;
  }
}

/** Renders outputs, leaving out log lines unless asked. */
export function transcript(outs: readonly (LeaderOutput | LearnerOutput)[], withLogs = false): string[] {
  return outs.filter((o) => withLogs || o.type !== 'log').map(render);
}
