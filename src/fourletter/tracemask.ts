// `gtmk` and `stmk`: the trace mask (ZooTrace's text trace level). zkts keeps the value only;
// its logging does not consult it.

import type { CommandContext } from './view';

export function gtmk({ view }: CommandContext): string {
  return view.traceMask.toString();
}

/** `stmk`: the 8 bytes after the word are a big-endian long; the reference echoes it. */
export function stmk({ view, rest }: CommandContext): string | null {
  // The reference reads once into an 8-byte buffer; fewer bytes fail the read and close silently.
  if (rest.length < 8) return '';
  const mask = rest.readBigInt64BE(0);
  view.setTraceMask(mask);
  return mask.toString();
}
