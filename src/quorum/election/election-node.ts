// Wires one server's election from its server.N list: the transport on its election address, the
// machine over the majority config, and the driver between them. Used by the compat tests and as a
// starting point for the peer runtime, which owns when rounds start and what happens after them.

import type { QuorumServerSpec } from '../../config/types';
import type { Logger } from '../../util/logger';
import { ElectionTransport } from '../transport/election-transport';
import type { Sid, Zxid } from '../types';
import { membersFromServers, quorumConfigText } from './config-text';
import { FleMachine } from './fle-machine';
import type { ElectionAddress } from './initial-message';
import { ElectionDriver, type ElectionClock, type ElectionDriverOptions } from './runner';

export interface ElectionNodeOptions {
  readonly myId: number;
  readonly servers: readonly QuorumServerSpec[];
  readonly lastZxid: Zxid;
  readonly currentEpoch: bigint;
  readonly logger: Logger;
  readonly configVersion?: bigint;
  readonly listenOnAllIPs?: boolean;
  readonly connectTimeoutMs?: number;
  readonly bindRetries?: number;
  readonly finalizeWaitMs?: number;
  readonly minNotificationIntervalMs?: number;
  readonly maxNotificationIntervalMs?: number;
  readonly clock?: ElectionClock;
  /** A peer carried a newer config while we were LOOKING (the runtime may adopt it). */
  readonly onNewerConfig?: ElectionDriverOptions['onNewerConfig'];
}

export interface ElectionNode {
  readonly transport: ElectionTransport;
  readonly machine: FleMachine;
  readonly driver: ElectionDriver;
  close(): Promise<void>;
}

export async function startElectionNode(o: ElectionNodeOptions): Promise<ElectionNode> {
  const me = o.servers.find((s) => s.id === o.myId);
  if (me === undefined || me.addresses.length === 0) throw new Error(`server ${o.myId} is not in the server list`);
  const peers = new Map<Sid, ElectionAddress>();
  for (const s of o.servers) {
    const a = s.addresses[0];
    if (s.id !== o.myId && a !== undefined) peers.set(BigInt(s.id), { host: a.host, port: a.electionPort });
  }
  const version = o.configVersion ?? 0n;
  const members = membersFromServers(o.servers, version);
  const transport = new ElectionTransport({
    myId: BigInt(o.myId),
    listen: { host: me.addresses[0]!.host, port: me.addresses[0]!.electionPort },
    peers,
    logger: o.logger,
    ...(o.listenOnAllIPs !== undefined ? { listenOnAllIPs: o.listenOnAllIPs } : {}),
    ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    ...(o.bindRetries !== undefined ? { bindRetries: o.bindRetries } : {}),
  });
  await transport.start();
  const machine = new FleMachine({
    myId: BigInt(o.myId),
    members,
    configText: quorumConfigText(o.servers, version),
    lastZxid: o.lastZxid,
    currentEpoch: o.currentEpoch,
    isObserver: me.role === 'observer',
    ...(o.finalizeWaitMs !== undefined ? { finalizeWaitMs: o.finalizeWaitMs } : {}),
    ...(o.minNotificationIntervalMs !== undefined ? { minNotificationIntervalMs: o.minNotificationIntervalMs } : {}),
    ...(o.maxNotificationIntervalMs !== undefined ? { maxNotificationIntervalMs: o.maxNotificationIntervalMs } : {}),
  });
  const driver = new ElectionDriver({ machine, link: transport, logger: o.logger, ...(o.clock ? { clock: o.clock } : {}), ...(o.onNewerConfig ? { onNewerConfig: o.onNewerConfig } : {}) });
  return {
    transport,
    machine,
    driver,
    async close() {
      driver.stop();
      await transport.close();
    },
  };
}
