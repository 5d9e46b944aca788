// `conf` (ZooKeeperServer.dumpConf), standalone layout.

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
  return entries.map(([k, v]) => `${k}=${v}\n`).join('');
}
