// Command-line entry and composition root: `zkts <command> [zoo.cfg]`, shaped like zkServer.sh,
// plus the operator tools (txnlog, snapshot, cleanup; see ./tools). The environment is read here
// and nowhere deeper: ZKTS_LOG_LEVEL / ZKTS_LOG_FORMAT for the logger, SERVER_JVMFLAGS / JVMFLAGS /
// ZOO_DATADIR_AUTOCREATE_DISABLE for the configuration, ZOOPIDFILE, ZKTS_LOG_DIR and the start and
// stop time limits for the daemon commands.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, toServerOptions, type ServerConfig } from './config';
import { processIO, runCleanup, runSnapshot, runTxnlog, type ToolIO } from './tools';
import { createLogger, type Logger, type LogLevel } from './util/logger';
import { REFERENCE_VERSION, ZKTS_VERSION } from './version';

const USAGE = `Usage: zkts [--config <conf dir>] <command> [zoo.cfg]

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

/** Exit statuses of the server commands. */
// adminServer: ZooKeeperServerMain's ExitCode.ERROR_STARTING_ADMIN_SERVER (4).
// electionPortBind: the Listener's ExitCode.UNABLE_TO_BIND_QUORUM_PORT (14) once its retries are spent.
const EXIT = { ok: 0, failed: 1, usage: 2, config: 2, notImplemented: 3, adminServer: 4, electionPortBind: 14 } as const;

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

/**
 * Runs a command. Returns the exit status of what finished synchronously; a command that goes on
 * (a tool, the server, start/stop waiting) sets process.exitCode when it ends.
 */
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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, config: { type: 'string' } },
    });
  } catch (e) {
    process.stderr.write(`zkts: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { positionals, values } = parsed;
  const [command, cfgArg, ...extra] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
  }
  if (command === 'version') {
    process.stdout.write(`zkts ${ZKTS_VERSION} (Apache ZooKeeper ${REFERENCE_VERSION} compatible)\n`);
    return EXIT.ok;
  }
  if (!SERVER_COMMANDS.has(command)) {
    process.stderr.write(`zkts: unknown command '${command}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (extra.length > 0) {
    process.stderr.write(`zkts ${command}: unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const cfgPath = configPath(cfgArg, values.config);
  const later = (work: Promise<number>): number => {
    void work.then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`zkts ${command}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = EXIT.failed;
      },
    );
    return EXIT.ok;
  };
  const env = process.env;
  switch (command) {
    case 'start-foreground':
      return startForeground(cfgPath, env);
    case 'start':
      return later(startDaemon(cfgPath, env));
    case 'stop':
      return later(stopDaemon(cfgPath, env));
    case 'restart':
      return later(
        stopDaemon(cfgPath, env).then((code) => (code === EXIT.ok ? startDaemon(cfgPath, env) : code)),
      );
    case 'status':
      return later(status(cfgPath, env));
    default:
      throw new Error(`unhandled server command ${command}`);
  }
}

/** zkServer.sh: `--config <dir>` holds zoo.cfg; a bare file name is looked up in that dir. */
function configPath(arg: string | undefined, confDir: string | undefined): string {
  if (confDir === undefined) return arg ?? join('conf', 'zoo.cfg');
  if (arg === undefined) return join(confDir, 'zoo.cfg');
  return arg.includes('/') ? arg : join(confDir, arg);
}

// ---- configuration ----

type Loaded = { ok: true; config: ServerConfig; warnings: string[] } | { ok: false; code: number };

function load(cfgPath: string, env: NodeJS.ProcessEnv): Loaded {
  try {
    const { config, warnings } = loadConfig(cfgPath, { env });
    return { ok: true, config, warnings };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`zkts: ${e.message}\n`);
    return { ok: false, code: EXIT.config };
  }
}

/** A config zkts can run; otherwise says why on stderr and gives the exit status. */
function runnable(config: ServerConfig): number | null {
  if (config.quorumMode && config.serverId === null) {
    // QuorumPeerConfig: "myid file is missing".
    process.stderr.write(`zkts: ${config.configFile} describes an ensemble, but ${join(config.dataDir, 'myid')} is missing (it holds this server's N of server.N)\n`);
    return EXIT.config;
  }
  if (config.clientPort === null) {
    process.stderr.write(`zkts: ${config.configFile} sets only secureClientPort, and zkts serves no TLS yet: set clientPort.\n`);
    return EXIT.notImplemented;
  }
  return null;
}

function makeLogger(env: NodeJS.ProcessEnv): Logger {
  const levels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
  const wanted = (env.ZKTS_LOG_LEVEL ?? 'info').toLowerCase();
  const level = levels.find((l) => l === wanted);
  const log = createLogger({ level: level ?? 'info', format: env.ZKTS_LOG_FORMAT === 'json' ? 'json' : 'text' });
  if (level === undefined) log.warn('ZKTS_LOG_LEVEL is not one of error, warn, info, debug; using info', { ZKTS_LOG_LEVEL: env.ZKTS_LOG_LEVEL });
  return log;
}

// ---- start-foreground ----

function startForeground(cfgPath: string, env: NodeJS.ProcessEnv): number {
  const loaded = load(cfgPath, env);
  if (!loaded.ok) return loaded.code;
  const { config, warnings } = loaded;
  const log = makeLogger(env);
  log.info('zkts starting', { version: ZKTS_VERSION, config: config.configFile });
  for (const w of warnings) log.warn(w);
  const refused = runnable(config);
  if (refused !== null) return refused;
  if (config.inactiveKeys.length > 0) log.info('settings accepted but not acted on yet (see docs/configuration.md)', { keys: config.inactiveKeys.join(', ') });
  void runServer(config, log).then(
    (code) => {
      if (code !== EXIT.ok) process.exitCode = code;
    },
    (e: unknown) => {
      log.error('zkts failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      process.exitCode = EXIT.failed;
    },
  );
  return EXIT.ok;
}

async function runServer(config: ServerConfig, log: Logger): Promise<number> {
  if (config.quorumMode) return runQuorumMember(config, log);
  // Loaded here, not at the top, so the tools and `version` never depend on the server modules.
  const { ZkServer } = await import('./server/zk-server');
  let server: Awaited<ReturnType<typeof ZkServer.start>>;
  try {
    server = await ZkServer.start(toServerOptions(config, log));
  } catch (e) {
    return startFailure(e, log);
  }
  stopOnSignals(server, log);
  return EXIT.ok;
}

/** QuorumPeerMain: election, Zab and the client port; stops on SIGINT/SIGTERM. */
async function runQuorumMember(config: ServerConfig, log: Logger): Promise<number> {
  const { startQuorumPeer, QuorumConfigError } = await import('./quorum/peer-runtime');
  // Where the reference exits (a COMMIT out of order, an impossible TRUNC, a failed disk).
  const onFatal = (code: number, reason: string): void => {
    log.error('exiting', { exitCode: code, reason });
    process.exit(code);
  };
  let peer: Awaited<ReturnType<typeof startQuorumPeer>>;
  try {
    peer = await startQuorumPeer(config, log, onFatal);
  } catch (e) {
    if (e instanceof QuorumConfigError) {
      process.stderr.write(`zkts: ${e.message}\n`);
      return EXIT.notImplemented;
    }
    return startFailure(e, log);
  }
  stopOnSignals(peer, log);
  return EXIT.ok;
}

/** The exit status of a server that could not start (the AdminServer's port: the reference's 4). */
async function startFailure(e: unknown, log: Logger): Promise<number> {
  log.error('zkts could not start', { error: e instanceof Error ? e.message : String(e) });
  const { AdminServerError } = await import('./admin');
  if (e instanceof AdminServerError) return EXIT.adminServer;
  const { ElectionTransportError } = await import('./quorum/transport/election-transport');
  return e instanceof ElectionTransportError && e.code === 'ELECTION_PORT_BIND_FAILED' ? EXIT.electionPortBind : EXIT.failed;
}

/** SIGINT/SIGTERM stop the server (a second signal exits at once; bounded at 10 s either way). */
function stopOnSignals(server: { stop(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn('second signal while stopping: exiting now', { signal });
      process.exit(EXIT.failed);
    }
    stopping = true;
    log.info('stopping', { signal });
    // Bounded: if something still holds the event loop after the server stopped, leave anyway.
    const force = setTimeout(() => {
      log.warn('still running 10 s after stop; exiting');
      process.exit(process.exitCode ?? EXIT.ok);
    }, 10_000);
    force.unref();
    const detach = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    server.stop().then(
      () => {
        detach();
        log.info('stopped');
      },
      (e: unknown) => {
        log.error('error while stopping', { error: e instanceof Error ? e.message : String(e) });
        process.exitCode = EXIT.failed;
        detach();
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

// ---- start / stop / status (zkServer.sh) ----

function pidFileOf(config: ServerConfig, env: NodeJS.ProcessEnv): string {
  return env.ZOOPIDFILE !== undefined && env.ZOOPIDFILE !== '' ? resolve(env.ZOOPIDFILE) : join(config.dataDir, 'zookeeper_server.pid');
}

function msFromEnv(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

/** Where `status` and `start` reach the client port: the bound address, or loopback for a wildcard. */
function probeAddress(config: ServerConfig): { host: string; port: number } {
  const a = config.clientPortAddress;
  const host = a === null || a === '0.0.0.0' ? '127.0.0.1' : a === '::' ? '::1' : a;
  return { host, port: config.clientPort ?? 0 };
}

async function startDaemon(cfgPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = load(cfgPath, env);
  if (!loaded.ok) return loaded.code;
  const { config } = loaded;
  const refused = runnable(config);
  if (refused !== null) return refused;
  process.stderr.write(`Using config: ${config.configFile}\n`);
  process.stdout.write('Starting zkts ... ');
  const pidFile = pidFileOf(config, env);
  const running = readPid(pidFile);
  if (running !== null && isAlive(running)) {
    process.stdout.write(`already running as process ${running}.\n`);
    return EXIT.failed;
  }
  const { host, port } = probeAddress(config);
  if ((await fourLetterWord(host, port, 'srvr', 2000)) !== null) {
    process.stdout.write(`FAILED TO START: a server already answers on ${host}:${port}\n`);
    return EXIT.failed;
  }
  const logDir = env.ZKTS_LOG_DIR !== undefined && env.ZKTS_LOG_DIR !== '' ? resolve(env.ZKTS_LOG_DIR) : config.dataDir;
  mkdirSync(logDir, { recursive: true });
  mkdirSync(dirname(pidFile), { recursive: true });
  const outFile = join(logDir, 'zkts-server.out');
  const out = openSync(outFile, 'a');
  const child = spawn(process.execPath, [__filename, 'start-foreground', config.configFile], {
    cwd: process.cwd(),
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.once('error', (e) => {
    spawnError = e;
  });
  const pid = child.pid;
  if (pid === undefined) {
    await sleep(50);
    process.stdout.write(`SERVER DID NOT START${spawnError ? `: ${(spawnError as Error).message}` : ''}\n`);
    return EXIT.failed;
  }
  try {
    writeFileSync(pidFile, String(pid));
  } catch (e) {
    process.stdout.write(`FAILED TO WRITE PID (${(e as Error).message})\n`);
    child.kill('SIGTERM');
    return EXIT.failed;
  }
  const timeoutMs = msFromEnv(env, 'ZKTS_START_TIMEOUT_MS', 60_000);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) break;
    const answer = await fourLetterWord(host, port, 'srvr', 1000);
    // A moment more: the answer must be our child's, not a server that grabbed the port meanwhile.
    if (answer !== null) await sleep(100);
    if (answer !== null && exited === null) {
      child.unref();
      process.stdout.write('STARTED\n');
      return EXIT.ok;
    }
    if (Date.now() >= deadline) {
      child.unref();
      process.stdout.write(`FAILED TO START: no answer on ${host}:${port} within ${timeoutMs} ms; process ${pid} is still running (see ${outFile}; 'zkts stop' ends it)\n`);
      return EXIT.failed;
    }
    await sleep(100);
  }
  removeFile(pidFile);
  const how: { code: number | null; signal: NodeJS.Signals | null } = exited;
  process.stdout.write(`FAILED TO START (exit ${how.signal ?? how.code}); from ${outFile}:\n`);
  process.stderr.write(tail(outFile, 20));
  return EXIT.failed;
}

async function stopDaemon(cfgPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = load(cfgPath, env);
  if (!loaded.ok) return loaded.code;
  const pidFile = pidFileOf(loaded.config, env);
  process.stderr.write(`Using config: ${loaded.config.configFile}\n`);
  process.stdout.write('Stopping zkts ... ');
  if (!existsSync(pidFile)) {
    process.stdout.write(`no zkts server to stop (could not find file ${pidFile})\n`);
    return EXIT.ok;
  }
  const pid = readPid(pidFile);
  if (pid === null) {
    process.stdout.write(`FAILED: ${pidFile} does not hold a process id\n`);
    return EXIT.failed;
  }
  if (!isAlive(pid)) {
    removeFile(pidFile);
    process.stdout.write(`STOPPED (process ${pid} was not running)\n`);
    return EXIT.ok;
  }
  const cmdline = commandLineOf(pid);
  if (cmdline !== null && !cmdline.includes('start-foreground')) {
    process.stdout.write(`FAILED: process ${pid} (${cmdline.join(' ')}) is not a zkts server; remove the stale ${pidFile}\n`);
    return EXIT.failed;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch (e) {
    process.stdout.write(`FAILED: cannot signal process ${pid} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
    return EXIT.failed;
  }
  const timeoutMs = msFromEnv(env, 'ZKTS_STOP_TIMEOUT_MS', 30_000);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) {
      process.stdout.write(`FAILED: process ${pid} is still running ${timeoutMs} ms after SIGTERM\n`);
      return EXIT.failed;
    }
    await sleep(50);
  }
  removeFile(pidFile);
  process.stdout.write('STOPPED\n');
  return EXIT.ok;
}

async function status(cfgPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = load(cfgPath, env);
  if (!loaded.ok) return loaded.code;
  const { config } = loaded;
  process.stderr.write(`Using config: ${config.configFile}\n`);
  if (config.clientPort === null) {
    process.stderr.write('Unable to find a client port in the configuration (zkts serves no secureClientPort yet).\n');
    return EXIT.failed;
  }
  const { host, port } = probeAddress(config);
  process.stdout.write(`Client port found: ${port}. Client address: ${host}. Client SSL: false.\n`);
  const answer = await fourLetterWord(host, port, 'srvr', 5000);
  const mode = answer?.split('\n').find((l) => l.startsWith('Mode: '));
  if (mode === undefined) {
    process.stderr.write('Error contacting service. It is probably not running.\n');
    return EXIT.failed;
  }
  process.stdout.write(`${mode}\n`);
  return EXIT.ok;
}

/** Sends a four-letter word; resolves to the whole answer, or null when nothing answered in time. */
function fourLetterWord(host: string, port: number, word: string, timeoutMs: number): Promise<string | null> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (answer: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      done(answer);
    };
    const socket = connect({ host, port }, () => socket.end(word));
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null));
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null));
  });
}

function readPid(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  const pid = Number(text);
  return /^[0-9]+$/.test(text) && Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Alive and not a zombie (an unreaped exited process still answers kill 0). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The process's argv where /proc has it (Linux), else null. */
function commandLineOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return null;
  }
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function tail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8').split('\n');
    return `${text.slice(-lines - 1).join('\n')}\n`;
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
