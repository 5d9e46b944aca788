import { ZK_NOT_SERVING, type CommandContext } from './view';

/** `crst`: resets every connection's counters and latencies. */
export function crst({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  view.resetConnectionStats();
  return 'Connection stats reset.\n';
}
