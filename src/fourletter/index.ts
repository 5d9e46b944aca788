// The four-letter words: the registry, the whitelist check, and one renderer per word.

import { conf } from './conf';
import { cons } from './cons';
import { crst } from './crst';
import { dirs } from './dirs';
import { dump } from './dump';
import { envi } from './envi';
import { hash } from './hash';
import { isro } from './isro';
import { mntr } from './mntr';
import { ruok } from './ruok';
import { srst } from './srst';
import { srvr, stat } from './stat';
import { gtmk, stmk } from './tracemask';
import type { CommandContext, ServerView } from './view';
import { wchc, wchp, wchs } from './watches';

export { lastOpName } from './op-names';
export * from './view';

type Command = (c: CommandContext) => string | null;

/** Every word the reference knows (FourLetterCommands.cmd2String). */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['conf', conf],
  ['cons', cons],
  ['crst', crst],
  ['dirs', dirs],
  ['dump', dump],
  ['envi', envi],
  ['gtmk', gtmk],
  ['ruok', ruok],
  ['stmk', stmk],
  ['srst', srst],
  ['srvr', srvr],
  ['stat', stat],
  ['wchc', wchc],
  ['wchp', wchp],
  ['wchs', wchs],
  ['mntr', mntr],
  ['isro', isro],
  ['hash', hash],
]);

export function isFourLetterWord(word: string): boolean {
  return COMMANDS.has(word);
}

/**
 * The answer to the first four bytes of a connection, or null if they are not a known word (then
 * they are a frame length). `whitelist` is the resolved 4lw.commands.whitelist (`*` = all; the
 * config adds srvr, and isro in read-only mode); a known word outside it gets the refusal line.
 * `rest` is what followed the word in the same read (stmk's long).
 */
export function fourLetterAnswer(word: string, view: ServerView, whitelist: readonly string[], rest: Buffer = Buffer.alloc(0)): string | null {
  const command = COMMANDS.get(word);
  if (command === undefined) return null;
  const allowed = whitelist.includes('*') || whitelist.includes(word) || word === 'srvr';
  if (!allowed) return `${word} is not executed because it is not in the whitelist.\n`;
  return command({ view, rest });
}
