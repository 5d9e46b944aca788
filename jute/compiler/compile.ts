// Reads every .jute file of a directory and returns the generated TypeScript files.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkProgram } from './check';
import { emitProgram, type GeneratedFile } from './emit-ts';
import { parseJute } from './parser';

export function compileDirectory(idlDir: string): GeneratedFile[] {
  const files = readdirSync(idlDir)
    .filter((f) => f.endsWith('.jute'))
    .sort();
  if (files.length === 0) throw new Error(`no .jute files in ${idlDir}`);
  const modules = files.map((f) => parseJute(readFileSync(join(idlDir, f), 'utf8'), `jute/idl/${f}`));
  return emitProgram(checkProgram(modules));
}
