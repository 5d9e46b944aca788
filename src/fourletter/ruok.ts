import type { CommandContext } from './view';

/** `ruok`: answered even when not serving. */
export function ruok(_c: CommandContext): string {
  return 'imok';
}
