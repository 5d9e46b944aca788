import { ZK_NOT_SERVING, type CommandContext } from './view';

/** `dirs`: bytes under the snapshot and txn-log directories. */
export function dirs({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  return `datadir_size: ${view.dataDirSize()}\nlogdir_size: ${view.logDirSize()}\n`;
}
