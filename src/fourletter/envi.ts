// `envi`: the reference's keys, in its order, with this process's values. Answered even when
// the server is not serving.

import { arch, hostname, release, tmpdir, userInfo } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { FULL_VERSION, type CommandContext } from './view';

export function envi(_c: CommandContext): string {
  const mb = (n: number): string => `${Math.floor(n / (1024 * 1024))}MB`;
  const mem = process.memoryUsage();
  const heap = getHeapStatistics();
  const user = safeUserInfo();
  const entries: [string, string][] = [
    ['zookeeper.version', FULL_VERSION],
    ['host.name', hostname()],
    ['java.version', `node ${process.version}`],
    ['java.vendor', 'zkts'],
    ['java.home', process.execPath],
    ['java.class.path', process.argv[1] ?? '<NA>'],
    ['java.library.path', '<NA>'],
    ['java.io.tmpdir', tmpdir()],
    ['java.compiler', '<NA>'],
    ['os.name', process.platform === 'linux' ? 'Linux' : process.platform],
    ['os.arch', arch() === 'x64' ? 'amd64' : arch()],
    ['os.version', release()],
    ['user.name', user.name],
    ['user.home', user.home],
    ['user.dir', process.cwd()],
    ['os.memory.free', mb(mem.heapTotal - mem.heapUsed)],
    ['os.memory.max', mb(heap.heap_size_limit)],
    ['os.memory.total', mb(mem.heapTotal)],
  ];
  return `Environment:\n${entries.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

function safeUserInfo(): { name: string; home: string } {
  try {
    const u = userInfo();
    return { name: u.username, home: u.homedir };
  } catch {
    return { name: '?', home: '?' };
  }
}
