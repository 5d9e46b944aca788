// Command-line entry and composition root: `zkts <command> [zoo.cfg]`, shaped like zkServer.sh,
// plus the operator tools (txnlog, snapshot, cleanup; see ./tools). The server itself lands with
// the standalone-server work; until then the server commands say so and exit non-zero rather than
// pretend.

import { parseArgs } from 'node:util';
import { processIO, runCleanup, runSnapshot, runTxnlog, type ToolIO } from './tools';
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

Tools (each takes -h for its options):
  txnlog [-d] [--json] <log file>          dump a txn log file (zkTxnLogToolkit.sh -d)
  snapshot [-d|--json] <snapshot file>     print a snapshot file (zkSnapShotToolkit.sh)
  cleanup [-n N] [dataDir [dataLogDir]]    delete old snapshots and logs, keep N (zkCleanup.sh)
`;

const SERVER_COMMANDS = new Set(['start-foreground', 'start', 'stop', 'restart', 'status']);

const TOOLS: Readonly<Record<string, (args: string[], io: ToolIO) => number | Promise<number>>> = {
  txnlog: runTxnlog,
  snapshot: runSnapshot,
  cleanup: runCleanup,
};

/** Runs a tool command to completion; resolves to its exit status (unexpected errors are 1). */
export async function runTool(command: string, args: string[], io: ToolIO): Promise<number> {
  const tool = TOOLS[command];
  if (tool === undefined) throw new RangeError(`no tool ${command}`);
  try {
    return await tool(args, io);
  } catch (e) {
    io.flush();
    io.err(`zkts ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    io.flush();
  }
}

export function main(argv: string[]): number {
  const [first, ...rest] = argv;
  if (first !== undefined && Object.hasOwn(TOOLS, first)) {
    // A reader that goes away (`zkts txnlog f | head`) ends the dump quietly.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
    const done = runTool(first, rest, processIO());
    // bin/zkts stores the returned status; an asynchronous tool overwrites it when it finishes.
    void done.then((code) => {
      process.exitCode = code;
    });
    return 0;
  }
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
