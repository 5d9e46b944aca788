// One quorum member's view of the ensemble config while reconfigs happen (QuorumPeer's
// quorumVerifier / lastSeenQuorumVerifier, setLastSeenQuorumVerifier, setQuorumVerifier and
// processReconfig at release-3.8.0-1). It owns the current server list and version, records a
// proposed config (`.dynamic.next`), and on activation writes the dynamic files, rewrites zoo.cfg,
// and tells the election and storage about the new members through the hooks it is given.

import type { QuorumServerSpec } from '../../config/types';
import type { Logger } from '../../util/logger';
import { membersFromServers, quorumConfigText } from '../election/config-text';
import type { ElectionAddress } from '../election/initial-message';
import type { QuorumMembers, Sid } from '../types';
import { decideActivation, sameMembers, type Activation } from './activation';
import { ConfigTextError, parseConfigText, type ParsedConfig } from './config-parse';
import { activateDynamicConfig, writeNextDynamicConfig } from '../../config/dynamic-files';

export interface PeerConfigHooks {
  /** The election counts votes against the new members and dials their addresses. */
  electionMembers(members: QuorumMembers, configText: string, peers: ReadonlyMap<Sid, ElectionAddress>): void;
  /** /zookeeper/config (and what a SNAP or reload puts there) becomes this text. */
  configNode(configText: string, version: bigint): void;
}

export interface PeerConfigOptions {
  readonly myId: number;
  readonly servers: readonly QuorumServerSpec[];
  readonly version: bigint;
  readonly reconfigEnabled: boolean;
  /** zoo.cfg's path: dynamic files go next to it. Without one (tests), nothing is written. */
  readonly configFile: string | null;
  readonly log: Logger;
  readonly hooks: PeerConfigHooks;
}

export class PeerConfig {
  private serversValue: readonly QuorumServerSpec[];
  private versionValue: bigint;
  private membersValue: QuorumMembers;
  private lastSeen: bigint;
  /** The last seen config's members (the committed ones unless a reconfig is in flight). */
  private lastSeenServersValue: readonly QuorumServerSpec[];
  private hooks: PeerConfigHooks;

  constructor(private readonly o: PeerConfigOptions) {
    this.serversValue = o.servers;
    this.versionValue = o.version;
    this.lastSeen = o.version;
    this.lastSeenServersValue = o.servers;
    this.membersValue = membersFromServers(o.servers, o.version);
    this.hooks = o.hooks;
  }

  get servers(): readonly QuorumServerSpec[] {
    return this.serversValue;
  }
  get version(): bigint {
    return this.versionValue;
  }
  get lastSeenVersion(): bigint {
    return this.lastSeen;
  }
  get lastSeenServers(): readonly QuorumServerSpec[] {
    return this.lastSeenServersValue;
  }
  /** QuorumVerifier.toString() of the last seen config (what a leader sends with NEWLEADER). */
  get lastSeenText(): string {
    return quorumConfigText(this.lastSeenServersValue, this.lastSeen);
  }
  get members(): QuorumMembers {
    return this.membersValue;
  }
  /** QuorumVerifier.toString() of the committed config. */
  get text(): string {
    return quorumConfigText(this.serversValue, this.versionValue);
  }

  /** The hooks can only be wired once the election and storage exist. */
  setHooks(hooks: PeerConfigHooks): void {
    this.hooks = hooks;
  }

  /**
   * QuorumPeerMain's setLastSeenQuorumVerifier(config.getLastSeenQuorumVerifier(), false): the
   * `.dynamic.next` read at start becomes the last seen config when newer (nothing is written).
   * Returns true when it did.
   */
  seenAtStart(servers: readonly QuorumServerSpec[], version: bigint): boolean {
    if (!this.o.reconfigEnabled || version <= this.lastSeen) return false;
    this.lastSeen = version;
    this.lastSeenServersValue = servers;
    this.o.log.info('the proposed config in .dynamic.next is the last seen one', { version: version.toString(16) });
    return true;
  }

  /** setLastSeenQuorumVerifier(qv, true): a newer proposed config is written to `.dynamic.next`. */
  proposed(text: string): void {
    if (!this.o.reconfigEnabled) return;
    const parsed = this.parse(text);
    if (parsed === null) return;
    const version = parsed.version ?? 0n;
    if (version === this.lastSeen) return;
    if (version < this.lastSeen) {
      this.o.log.warn('a proposed config is older than the last seen one; ignored', { version: version.toString(16), lastSeen: this.lastSeen.toString(16) });
      return;
    }
    this.lastSeen = version;
    this.lastSeenServersValue = parsed.servers;
    this.o.log.info('config proposed', { version: version.toString(16) });
    if (this.o.configFile === null) return;
    try {
      writeNextDynamicConfig(this.o.configFile, parsed.servers, version);
    } catch (e) {
      this.o.log.error('cannot write the next dynamic config file', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * processReconfig: a config newer than the committed one becomes the committed one. Returns
   * true when this server's role or leader changes with it (the caller leaves its role).
   */
  activate(text: string, designatedLeader: Sid | null, currentLeader: Sid, observing: boolean): boolean {
    return this.activateConfig(text, designatedLeader, currentLeader, observing)?.majorChange ?? false;
  }

  /**
   * activate() with the whole decision (the new role, whether role or leader changed, whether the
   * members differ); null when nothing was activated (reconfig off, a bad text, not newer).
   */
  activateConfig(text: string, designatedLeader: Sid | null, currentLeader: Sid, observing: boolean): (Activation & { readonly membersChanged: boolean }) | null {
    if (!this.o.reconfigEnabled) return null;
    const parsed = this.parse(text);
    if (parsed === null) return null;
    const version = parsed.version ?? 0n;
    const decision = decideActivation({
      myId: this.o.myId,
      prevServers: this.serversValue,
      prevVersion: this.versionValue,
      nextServers: parsed.servers,
      nextVersion: version,
      myRole: observing ? 'observer' : 'participant',
      currentLeader,
      designatedLeader,
    });
    // setQuorumVerifier with a known or older version does nothing (seen by gossip, then again).
    if (version <= this.versionValue) return null;
    const membersChanged = !sameMembers(this.serversValue, parsed.servers);
    this.adopt(parsed.servers, version);
    this.o.log.info('config activated', { version: version.toString(16), voters: [...this.membersValue.voters].join(','), observers: [...this.membersValue.observers].join(','), majorChange: decision.majorChange });
    return { ...decision, membersChanged };
  }

  private adopt(servers: readonly QuorumServerSpec[], version: bigint): void {
    this.serversValue = servers;
    this.versionValue = version;
    if (version >= this.lastSeen) {
      this.lastSeen = version;
      this.lastSeenServersValue = servers;
    }
    this.membersValue = membersFromServers(servers, version);
    const text = this.text;
    const peers = new Map<Sid, ElectionAddress>();
    for (const s of servers) {
      const a = s.addresses[0];
      if (s.id !== this.o.myId && a !== undefined) peers.set(BigInt(s.id), { host: a.host, port: a.electionPort });
    }
    this.hooks.electionMembers(this.membersValue, text, peers);
    this.hooks.configNode(text, version);
    if (this.o.configFile === null) return;
    try {
      activateDynamicConfig(this.o.configFile, servers, version, this.o.myId, this.lastSeen);
    } catch (e) {
      this.o.log.error('cannot write the dynamic config files', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private parse(text: string): ParsedConfig | null {
    try {
      return parseConfigText(text);
    } catch (e) {
      if (!(e instanceof ConfigTextError)) throw e;
      this.o.log.warn('ignoring a config that does not parse', { error: e.message });
      return null;
    }
  }
}
