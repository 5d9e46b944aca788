// One zkts election node as its own process, for compat tests that want real processes:
//   node dist/compat-tests/quorum/election-node-process.js '<json>'
// json: { myId, servers: QuorumServerSpec[], lastZxid: "<decimal>", currentEpoch: "<decimal>" }
// Prints `DECIDED {"state":..,"leader":..,"zxid":..,"electionEpoch":..,"peerEpoch":..}` once decided,
// then keeps answering LOOKING peers until SIGTERM.

import type { QuorumServerSpec } from '../../src/config/types';
import { startElectionNode } from '../../src/quorum/election/election-node';
import { createLogger } from '../../src/util/logger';

interface Args {
  myId: number;
  servers: QuorumServerSpec[];
  lastZxid: string;
  currentEpoch: string;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const logger = createLogger({ level: 'info' }).child({ sid: String(a.myId) });
  const node = await startElectionNode({ myId: a.myId, servers: a.servers, lastZxid: BigInt(a.lastZxid), currentEpoch: BigInt(a.currentEpoch), logger });
  process.once('SIGTERM', () => {
    void node.close().then(() => process.exit(0));
  });
  const d = await node.driver.lookForLeader();
  process.stdout.write(`DECIDED ${JSON.stringify({ state: d.state, leader: String(d.vote.id), zxid: String(d.vote.zxid), electionEpoch: String(d.vote.electionEpoch), peerEpoch: String(d.vote.peerEpoch) })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
