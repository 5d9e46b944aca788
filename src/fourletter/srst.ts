import { ZK_NOT_SERVING, type CommandContext } from './view';

/** `srst`: resets the server's latency and packet counters (and the summary metrics). */
export function srst({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  view.resetServerStats();
  return 'Server stats reset.\n';
}
