// jute compiler entry point.
//   generate [idlDir] [outDir]  write the generated TypeScript (default jute/idl -> src/protocol/generated)
//   check    [idlDir] [outDir]  exit 1 if the committed output differs from what would be generated

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileDirectory } from './compile';

const repoRoot = resolve(__dirname, '..', '..', '..');

function main(argv: string[]): number {
  const [command, idlArg, outArg] = argv;
  const idlDir = resolve(repoRoot, idlArg ?? 'jute/idl');
  const outDir = resolve(repoRoot, outArg ?? 'src/protocol/generated');
  const generated = compileDirectory(idlDir);
  const expected = new Map(generated.map((f) => [f.path, f.text]));
  const present = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.ts')) : [];
  if (command === 'generate') {
    mkdirSync(outDir, { recursive: true });
    for (const f of present) if (!expected.has(f)) rmSync(join(outDir, f));
    for (const [path, text] of expected) writeFileSync(join(outDir, path), text);
    console.log(`jute: wrote ${expected.size} files to ${outDir}`);
    return 0;
  }
  if (command === 'check') {
    const problems: string[] = [];
    for (const f of present) if (!expected.has(f)) problems.push(`${f}: not produced by the compiler`);
    for (const [path, text] of expected) {
      const file = join(outDir, path);
      if (!existsSync(file)) problems.push(`${path}: missing`);
      else if (readFileSync(file, 'utf8') !== text) problems.push(`${path}: differs from the compiler's output`);
    }
    if (problems.length > 0) {
      console.error(`jute:check failed: generated code has drifted from jute/idl (run \`npm run jute:gen\`):`);
      for (const p of problems) console.error(`  ${p}`);
      return 1;
    }
    console.log(`jute:check ok: ${expected.size} generated files match jute/idl`);
    return 0;
  }
  console.error('usage: cli.js generate|check [idlDir] [outDir]');
  return 2;
}

process.exitCode = main(process.argv.slice(2));
