// Reading a zoo.cfg from disk. A missing or unreadable file is a ConfigError too, so the CLI has
// one failure path (exit 2) for "this configuration cannot be used".

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors';
import { parseZooCfg, type ParseOptions, type ParseResult } from './parse';

export function loadConfig(path: string, options: ParseOptions = {}): ParseResult {
  const file = resolve(options.cwd ?? process.cwd(), path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (e as Error).message})`;
    throw new ConfigError(file, [{ key: '(file)', source: 'zoo.cfg', message: `the configuration file ${why}` }]);
  }
  return parseZooCfg(text, file, options);
}
