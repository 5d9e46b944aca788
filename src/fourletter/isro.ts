import type { CommandContext } from './view';

/** `isro`: `null` when not serving, else ro / rw; no newline. */
export function isro({ view }: CommandContext): string {
  if (!view.serving) return 'null';
  return view.mode === 'read-only' ? 'ro' : 'rw';
}
