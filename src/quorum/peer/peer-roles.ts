// Building the runner for the role an election (or a reconfig) decided: the leader shell with its
// Zab machine options (Leader's construction in QuorumPeer.makeLeader), or the learner shell
// (makeFollower / makeObserver). Split from quorum-peer.ts, which keeps the life cycle.

import { dataDirLayout } from '../../persistence/files';
import type { ReconfigHook } from '../../server/prep/reconfig';
import type { ZkServer } from '../../server/zk-server';
import type { Logger } from '../../util/logger';
import { quorumConfigText } from '../election/config-text';
import type { PeerConfig } from '../reconfig/peer-config';
import { majorityMembers } from '../types';
import type { LearnerKind } from '../zab/learner-types';
import type { DiskQueue } from './disk-queue';
import { LeaderRunner, type LeaderHost } from './leader-runner';
import { LearnerRunner, type LearnerHost } from './learner-runner';
import type { QuorumPeerOptions } from './peer-options';
import type { PeerStorage } from './peer-storage';
import { parseSnapshotSizeFactor } from './txn-log-sync';

export interface RoleDeps {
  readonly o: QuorumPeerOptions;
  readonly log: Logger;
  readonly disk: DiskQueue;
  readonly storage: PeerStorage;
  readonly config: PeerConfig;
  readonly zk: ZkServer;
}

const timing = (o: QuorumPeerOptions) => ({ tickTimeMs: o.server.tickTimeMs, initLimit: o.initLimit, syncLimit: o.syncLimit });
const lengthMax = (o: QuorumPeerOptions): number => (o.server.juteMaxBuffer ?? 0xfffff) + 1024;

export function newLeaderRunner(p: RoleDeps, me: { host: string; quorumPort: number }, host: LeaderHost, reconfig: () => ReturnType<ReconfigHook>): LeaderRunner {
  const { o, config, storage } = p;
  const reconfigOn = o.reconfigEnabled === true;
  return new LeaderRunner({
    ...(reconfigOn ? { reconfig } : {}),
    log: p.log,
    listen: { host: me.host, port: me.quorumPort },
    ...(o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: o.listenOnAllIPs }),
    disk: p.disk,
    host,
    lengthMax: lengthMax(o),
    // Learners behind the committed log are synced from the txn log (zookeeper.snapshotSizeFactor).
    txnLogSync: {
      ...dataDirLayout(o.server.dataDir, o.server.dataLogDir),
      snapshotSizeFactor: parseSnapshotSizeFactor(o.server.systemProperties?.['zookeeper.snapshotSizeFactor'], p.log),
    },
    ...(o.server.metricsTracking === false ? {} : { metrics: p.zk.metrics }),
    machine: {
      ...timing(o),
      sid: BigInt(o.myId),
      members: config.members,
      acceptedEpoch: storage.acceptedEpoch,
      currentEpoch: storage.currentEpoch,
      lastProcessedZxid: storage.tree.lastProcessedZxid,
      committedLog: storage.committedProposals(),
      ...(o.commitLogCount === undefined ? {} : { commitLogCount: o.commitLogCount }),
      ...(o.forceSnapSync === undefined ? {} : { forceSnapSync: o.forceSnapSync }),
      newLeaderConfig: (newLeaderZxid) => {
        // ZOOKEEPER-1783: with reconfig on, a never-reconfigured (version 0) config gets the
        // new epoch's zxid as its version, proposed here and activated once we serve.
        if (reconfigOn && config.version === 0n && config.lastSeenVersion === 0n) {
          config.proposed(quorumConfigText(config.servers, newLeaderZxid));
        }
        return Buffer.from(reconfigOn ? config.lastSeenText : config.text, 'utf8');
      },
      ...(reconfigOn ? { reconfigEnabled: true, configVersion: () => config.version } : {}),
    },
  });
}

export function newLearnerRunner(p: RoleDeps, target: { sid: bigint; host: string; port: number }, kind: LearnerKind, host: LearnerHost): LearnerRunner {
  const { o, storage } = p;
  return new LearnerRunner({
    log: p.log,
    leader: target,
    disk: p.disk,
    host,
    lengthMax: lengthMax(o),
    ...(o.leaderConnectRetryDelayMs === undefined ? {} : { connectRetryDelayMs: o.leaderConnectRetryDelayMs }),
    machine: {
      ...timing(o),
      sid: BigInt(o.myId),
      kind,
      acceptedEpoch: storage.acceptedEpoch,
      currentEpoch: storage.currentEpoch,
      lastLoggedZxid: storage.tree.lastProcessedZxid,
      configVersion: p.config.version,
      ...(o.reconfigEnabled === true ? { reconfigEnabled: true } : {}),
    },
  });
}

/** What prep needs for a reconfig request on this leader (PrepRequestProcessor's inputs). */
export function reconfigContext(c: PeerConfig, standaloneEnabled: boolean, runner: LeaderRunner): ReturnType<ReconfigHook> {
  return {
    committedVersion: c.version,
    lastSeenVersion: c.lastSeenVersion,
    lastSeenServers: c.lastSeenServers,
    standaloneEnabled,
    quorumSynced: (voters) => runner.quorumSyncedFor(voters, (ids) => majorityMembers(voters).containsQuorum(ids)),
  };
}
