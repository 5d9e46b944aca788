// `zkts cleanup [-n N] [dataDir [dataLogDir]]`: the reference's `zkCleanup.sh -n N` (PurgeTxnLog):
// keep the N newest valid snapshots (default and minimum 3) and the txn logs they need, delete
// older ones, printing "Removing file: <mtime>\t<path>" for each (mtime as Java's default
// DateFormat in en_US: "Nov 14, 2023, 10:13:20 PM").
//
// Without directories it reads dataDir and dataLogDir from conf/zoo.cfg (or --config <file>), as
// zkCleanup.sh greps them out of zoo.cfg; the full config parser comes with the server. Errors
// use the reference's wording and exit status 1. Unlike the reference, a file that cannot be
// deleted also makes the exit status 1.

import { promises as fsp, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirLayout } from '../persistence/files';
import { purge, PURGE_RETAIN_COUNT_MIN } from '../persistence/snapshot';
import type { ToolIO } from './io';
import { javaMediumDateTime } from './java-format';

export const CLEANUP_USAGE = `Usage: zkts cleanup [-n count] [dataDir [dataLogDir]]

Deletes old snapshots and txn logs, as the reference's zkCleanup.sh does.
  -n, --count <n>      snapshots to keep (with the logs they need); at least 3, default 3
  -c, --config <file>  where to read dataDir / dataLogDir when no directory is given
                       (default conf/zoo.cfg)
`;

const COUNT_ERR_MSG = `count should be greater than or equal to ${PURGE_RETAIN_COUNT_MIN}`;

/** Integer.parseInt: optional sign, decimal digits, 32-bit range. */
function parseJavaInt(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = Number(s);
  return v > 2147483647 || v < -2147483648 ? null : v;
}

/** dataDir and dataLogDir of a zoo.cfg: the last `key=value` line of each (Properties style). */
export function readDataDirs(cfgText: string): { dataDir?: string; dataLogDir?: string } {
  const out: { dataDir?: string; dataLogDir?: string } = {};
  for (const raw of cfgText.split(/\r?\n/)) {
    const m = /^\s*(dataDir|dataLogDir)\s*[=:]\s*(.*?)\s*$/.exec(raw);
    if (m !== null && m[2] !== '') out[m[1] as 'dataDir' | 'dataLogDir'] = m[2]!;
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** mtime (ms) of every file in `dirs`, read before anything is deleted. */
async function mtimes(dirs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        out.set(join(dir, n), (await fsp.stat(join(dir, n))).mtimeMs);
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/** Runs `zkts cleanup`; resolves to the exit status. */
export async function runCleanup(argv: string[], io: ToolIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { count: { type: 'string', short: 'n' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`zkts cleanup: ${(e as Error).message}\n\n${CLEANUP_USAGE}`);
    return 1;
  }
  if (parsed.values.help === true) {
    io.out(CLEANUP_USAGE);
    return 0;
  }
  const usageError = (message: string): number => {
    io.err(`zkts cleanup: ${message}\n\n${CLEANUP_USAGE}`);
    return 1;
  };
  let count = PURGE_RETAIN_COUNT_MIN;
  if (parsed.values.count !== undefined) {
    const n = parseJavaInt(parsed.values.count);
    if (n === null) return usageError(`'${parsed.values.count}' can not be parsed to integer.`);
    count = n;
  }
  if (count < PURGE_RETAIN_COUNT_MIN) return usageError(COUNT_ERR_MSG);
  if (parsed.positionals.length > 2) return usageError('at most two directories: dataDir [dataLogDir]');

  let [dataDir, dataLogDir] = parsed.positionals as (string | undefined)[];
  if (dataDir === undefined) {
    const cfg = parsed.values.config ?? join('conf', 'zoo.cfg');
    let text: string;
    try {
      text = readFileSync(cfg, 'utf8');
    } catch (e) {
      return usageError(`no directory given and ${cfg} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    ({ dataDir, dataLogDir } = readDataDirs(text));
    if (dataDir === undefined) return usageError(`no directory given and ${cfg} sets no dataDir`);
  }
  for (const d of [dataDir, dataLogDir]) {
    if (d !== undefined && !(await exists(d))) return usageError(`Path '${resolve(d)}' does not exist. `);
  }

  const { snapDir, logDir } = dataDirLayout(dataDir, dataLogDir);
  const times = await mtimes([logDir, snapDir]);
  const result = await purge(dataDir, dataLogDir, count);
  for (const f of result.deleted) {
    const t = times.get(f);
    io.out(`Removing file: ${t === undefined ? '' : javaMediumDateTime(t)}\t${f}\n`);
  }
  io.flush();
  for (const f of result.failed) io.err(`Failed to remove ${f}\n`);
  return result.failed.length > 0 ? 1 : 0;
}
