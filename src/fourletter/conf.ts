// `conf` (ZooKeeperServer.dumpConf); a quorum member adds QuorumZooKeeperServer's lines and the
// membership text, which the reference prints without a final newline.

import { ZK_NOT_SERVING, type CommandContext } from './view';

export function conf({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  const c = view.conf;
  const entries: [string, string | number][] = [
    ['clientPort', c.clientPort],
    ['secureClientPort', c.secureClientPort],
    ['dataDir', c.dataDir],
    ['dataDirSize', view.dataDirSize()],
    ['dataLogDir', c.dataLogDir],
    ['dataLogSize', view.logDirSize()],
    ['tickTime', c.tickTime],
    ['maxClientCnxns', c.maxClientCnxns],
    ['minSessionTimeout', c.minSessionTimeout],
    ['maxSessionTimeout', c.maxSessionTimeout],
    ['clientPortListenBacklog', c.clientPortListenBacklog],
    ['serverId', c.serverId],
  ];
  const q = view.quorum;
  if (q !== undefined) {
    entries.push(
      ['initLimit', q.initLimit],
      ['syncLimit', q.syncLimit],
      ['electionAlg', q.electionAlg],
      ['electionPort', q.electionPort],
      ['quorumPort', q.quorumPort],
      ['peerType', q.peerType],
    );
  }
  const text = entries.map(([k, v]) => `${k}=${v}\n`).join('');
  // ReadOnlyZooKeeperServer.dumpConf prints the quorum lines but not the membership.
  return q === undefined || view.mode === 'read-only' ? text : `${text}membership: \n${q.membership}`;
}
