// What a quorum member is started with (QuorumPeerConfig's quorum part plus the client-side
// ServerOptions): split out of quorum-peer.ts so the peer's own file stays about its life cycle.

import type { QuorumServerSpec } from '../../config/types';
import type { ServerOptions } from '../../server/options';
import type { Logger } from '../../util/logger';

export interface QuorumPeerOptions {
  readonly myId: number;
  readonly servers: readonly QuorumServerSpec[];
  /** The config version (hex in dynamic config files; 0 for a static zoo.cfg). */
  readonly configVersion?: bigint;
  readonly initLimit: number;
  readonly syncLimit: number;
  /** The client side: port, dataDir, tickTime, limits (serverId is set to myId). */
  readonly server: ServerOptions;
  readonly logger?: Logger;
  /** quorumListenOnAllIPs: bind the quorum and election ports on 0.0.0.0. */
  readonly listenOnAllIPs?: boolean;
  /** zookeeper.forceSnapshotSync: sync every learner with a snapshot. */
  readonly forceSnapSync?: boolean;
  /** zookeeper.commitLogCount (default 500). */
  readonly commitLogCount?: number;
  readonly election?: {
    readonly finalizeWaitMs?: number;
    readonly minNotificationIntervalMs?: number;
    readonly maxNotificationIntervalMs?: number;
    readonly connectTimeoutMs?: number;
    readonly bindRetries?: number;
  };
  /**
   * readonlymode.enabled: after max(2000 ms, tickTime) of LOOKING, serve read-only clients over the
   * current database until the election decides (src/server/read-only.ts).
   */
  readonly readOnlyMode?: boolean;
  /** zookeeper.leaderConnectDelayDuringRetryMs: Learner.connectToLeader's retry spacing (default 100). */
  readonly leaderConnectRetryDelayMs?: number;
  /**
   * observerMasterPort: an observer syncs from the voters' observer masters at this port (round
   * robin, src/quorum/zab/observer-master.ts) instead of the leader.
   */
  readonly observerMasterPort?: number;
  /** zookeeper.observer.reconnectDelayMs: an observer waits up to this long once every master was tried. */
  readonly observerReconnectDelayMs?: number;
  /** zookeeper.observerMaster.sizeLimit: bytes of recent commits a master keeps for syncing observers. */
  readonly observerMasterSizeLimit?: number;
  /** reconfigEnabled: learners act on reconfigs their leader commits (src/quorum/reconfig). */
  readonly reconfigEnabled?: boolean;
  /**
   * A `.dynamic.next` found at start (QuorumPeerConfig's lastSeenQuorumVerifier): when newer than
   * the config, it is the last seen one, so a new leader proposes and finishes it.
   */
  readonly nextConfig?: { readonly servers: readonly QuorumServerSpec[]; readonly version: bigint };
  /** zoo.cfg's path: where a reconfig writes the dynamic files (none are written without it). */
  readonly configFile?: string;
  /** standaloneEnabled (default true): a reconfig must then leave at least two voters. */
  readonly standaloneEnabled?: boolean;
  /**
   * Where the reference exits the process (a COMMIT out of order, an impossible TRUNC, a failed
   * disk), the peer stops and calls this; the CLI exits with the code.
   */
  readonly onFatal?: (exitCode: number, reason: string) => void;
}
