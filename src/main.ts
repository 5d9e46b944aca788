// Command-line entry and composition root: `zkts <command> [zoo.cfg]`, shaped like zkServer.sh.
// The server itself lands with the standalone-server work; until then the server commands say so
// and exit non-zero rather than pretend.

import { parseArgs } from 'node:util';
import { createLogger } from './util/logger';
import { REFERENCE_VERSION, ZKTS_VERSION } from './version';

const USAGE = `Usage: zkts <command> [zoo.cfg]

Commands:
  start-foreground [cfg]  run the server in this process (default conf/zoo.cfg)
  start [cfg]             run the server in the background (pid file in dataDir)
  stop [cfg]              stop the background server
  restart [cfg]           stop, then start
  status [cfg]            print the server's mode (asks it with 'srvr')
  version                 print the version
`;

const SERVER_COMMANDS = new Set(['start-foreground', 'start', 'stop', 'restart', 'status']);

export function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [command, configPath = 'conf/zoo.cfg'] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (command === 'version') {
    process.stdout.write(`zkts ${ZKTS_VERSION} (Apache ZooKeeper ${REFERENCE_VERSION} compatible)\n`);
    return 0;
  }
  if (SERVER_COMMANDS.has(command)) {
    const log = createLogger();
    log.error('the zkts server is not implemented yet: this build has the protocol foundation only (Jute codecs, framing)', {
      command,
      config: configPath,
    });
    return 3;
  }
  process.stderr.write(`zkts: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
