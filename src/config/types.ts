// The validated, frozen result of reading a zoo.cfg. Names carry their units; values are the
// effective ones (defaults applied), so nothing downstream re-derives them.

import type { SettingSource } from './errors';
import type { PropertyStatus } from './system-properties';

export type PeerRole = 'participant' | 'observer';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface QuorumAddress {
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
}

/** One `server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]` line. */
export interface QuorumServerSpec {
  readonly id: number;
  /** Several only with multiAddress.enabled (`a:1:2|b:1:2`). */
  readonly addresses: readonly QuorumAddress[];
  readonly role: PeerRole;
  /** The `;[clientHost:]clientPort` part; the host is 0.0.0.0 when only a port is given. */
  readonly client: HostPort | null;
}

/** Hierarchical quorums: `group.N=sid:sid:...` and `weight.sid=w`. */
export interface QuorumGroups {
  readonly groups: readonly { readonly id: number; readonly members: readonly number[] }[];
  readonly weights: Readonly<Record<string, number>>;
}

export type SnapshotCompressionMethod = '' | 'gz' | 'snappy';

/** The system properties zkts understands, resolved from zoo.cfg, the -D flags and defaults. */
export interface SystemSettings {
  /** jute.maxbuffer: the largest frame accepted. */
  readonly juteMaxBufferBytes: number;
  readonly extendedTypesEnabled: boolean;
  readonly skipACL: boolean;
  /** zookeeper.DigestAuthenticationProvider.superDigest (`super:<base64 sha1>`), or null. */
  readonly superDigest: string | null;
  readonly enforceQuota: boolean;
  /** At least 2 (smaller values are raised, as the reference does). */
  readonly snapCount: number;
  /** <= 0 turns the size trigger off. */
  readonly snapSizeLimitKb: number;
  /** Txn log preallocation block; 0 = no preallocation. */
  readonly preAllocSizeKb: number;
  readonly forceSync: boolean;
  readonly snapshotCompression: SnapshotCompressionMethod;
  /** Words answered on the client port; `*` = all. Always holds srvr (zkServer.sh needs it). */
  readonly fourLetterWords: readonly string[];
  readonly globalOutstandingLimit: number;
  readonly containerCheckIntervalMs: number;
  readonly containerMaxPerMinute: number;
  /** 0 = never reap containers that never had children. */
  readonly containerMaxNeverUsedIntervalMs: number;
  readonly digestEnabled: boolean;
  readonly snapshotTrustEmpty: boolean;
  readonly dataDirAutocreate: boolean;
  readonly dbAutocreate: boolean;
  /** <= 0 = off. */
  readonly txnLogSizeLimitKb: number;
  /** Connections per client port in total; 0 = no limit. */
  readonly maxCnxns: number;
  readonly readOnlyModeEnabled: boolean;
  readonly closeSessionTxnEnabled: boolean;
  readonly digestAuthenticationEnabled: boolean;
  readonly admin: {
    readonly enableServer: boolean;
    readonly serverAddress: string;
    readonly serverPort: number;
    readonly idleTimeoutMs: number;
    readonly commandURL: string;
  };
}

export interface SystemPropertyValue {
  readonly value: string;
  readonly source: SettingSource;
  readonly status: PropertyStatus;
}

export interface ServerConfig {
  /** The zoo.cfg read (absolute). */
  readonly configFile: string;
  readonly dataDir: string;
  /** dataDir unless set. */
  readonly dataLogDir: string;
  /** null when unset (the reference's 0); then it may come from this server's server.N line. */
  readonly clientPort: number | null;
  /** null = every address. */
  readonly clientPortAddress: string | null;
  readonly secureClientPort: number | null;
  readonly secureClientPortAddress: string | null;
  readonly observerMasterPort: number | null;
  /** -1 = the OS default. */
  readonly clientPortListenBacklog: number;
  readonly tickTimeMs: number;
  /** In ticks; required (non-zero) in quorum mode. */
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly connectToLearnerMasterLimit: number;
  /** Per client IP; 0 = no limit. */
  readonly maxClientCnxns: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly autopurge: { readonly snapRetainCount: number; readonly purgeIntervalHours: number };
  readonly electionAlg: 3;
  readonly peerType: PeerRole;
  readonly standaloneEnabled: boolean;
  readonly reconfigEnabled: boolean;
  readonly localSessionsEnabled: boolean;
  readonly localSessionsUpgradingEnabled: boolean;
  readonly quorumListenOnAllIPs: boolean;
  readonly syncEnabled: boolean;
  readonly sslQuorum: boolean;
  readonly portUnification: boolean;
  readonly sslQuorumReloadCertFiles: boolean;
  readonly quorumSasl: {
    readonly enabled: boolean;
    readonly serverRequired: boolean;
    readonly learnerRequired: boolean;
    readonly learnerLoginContext: string;
    readonly serverLoginContext: string;
    readonly kerberosServicePrincipal: string;
  };
  readonly quorumCnxnThreadsSize: number;
  readonly multiAddress: { readonly enabled: boolean; readonly reachabilityCheckEnabled: boolean; readonly reachabilityCheckTimeoutMs: number };
  readonly oraclePath: string | null;
  readonly metricsProvider: { readonly className: string; readonly settings: Readonly<Record<string, string>> };
  /** Absolute path, or null. Its server lines are in `servers`. */
  readonly dynamicConfigFile: string | null;
  /** The dynamic config version (hex in the file name or a `version=` line), or null. */
  readonly dynamicConfigVersion: string | null;
  /**
   * `<zoo.cfg>.dynamic.next` when dynamicConfigFile is set and it exists: a proposed config not
   * yet committed (the reference's lastSeenQuorumVerifier at start-up). Version in hex, or null.
   */
  readonly nextDynamicConfig: { readonly file: string; readonly servers: readonly QuorumServerSpec[]; readonly version: string | null } | null;
  /** Every server.N line, by id. */
  readonly servers: readonly QuorumServerSpec[];
  readonly quorumGroups: QuorumGroups | null;
  /**
   * The reference's isDistributed(): more than one participant, or any server line with
   * standaloneEnabled=false. False means a standalone server (a single server.N line is ignored).
   */
  readonly quorumMode: boolean;
  /** From <dataDir>/myid when loadConfig found one; null otherwise. */
  readonly serverId: number | null;
  readonly system: SystemSettings;
  /** Every recognized system property that was set, by full name, with where it came from. */
  readonly systemProperties: Readonly<Record<string, SystemPropertyValue>>;
  /** Keys set that zkts accepts but does not act on yet (see docs/configuration.md). */
  readonly inactiveKeys: readonly string[];
}
