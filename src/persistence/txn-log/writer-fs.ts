// The file-system port of the txn-log writer: the few calls it makes, so tests can observe or delay
// writes and fsyncs (and a simulator can fake them).

import { basename, dirname, join } from 'node:path';
import { promises as fsp } from 'node:fs';

export interface LogFileHandle {
  /** Writes all of `data` at `position`. */
  write(data: Buffer, position: number): Promise<void>;
  /** fdatasync: the reference's FileChannel.force(false). */
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export interface TxnLogFs {
  /**
   * Creates a log file holding exactly `header`, durably, and opens it for writing. The file
   * appears under its name only once the header is on disk (written under a temporary name that
   * no reader takes for a log, fsynced, then renamed), so a crash never leaves a log without its
   * header. An existing file of that name is replaced, as the reference's FileOutputStream
   * truncates it; `existed` says so.
   */
  create(path: string, header: Buffer): Promise<{ handle: LogFileHandle; existed: boolean }>;
  /** fsync of a directory, so a file created in it survives a crash. */
  syncDir(dir: string): Promise<void>;
}

async function writeFully(fh: fsp.FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten}`);
    done += bytesWritten;
  }
}

function wrap(fh: fsp.FileHandle): LogFileHandle {
  return {
    write: (data, position) => writeFully(fh, data, position),
    datasync: () => fh.datasync(),
    close: () => fh.close(),
  };
}

export const nodeTxnLogFs: TxnLogFs = {
  async create(path, header) {
    // The temporary name does not start with "log.", so neither zkts nor the reference reads it.
    const tmp = join(dirname(path), `.${basename(path)}.creating`);
    const fh = await fsp.open(tmp, 'w');
    let existed = false;
    try {
      await writeFully(fh, header, 0);
      await fh.datasync();
      existed = await fsp.access(path).then(
        () => true,
        () => false,
      );
      await fsp.rename(tmp, path);
    } catch (e) {
      await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    return { handle: wrap(fh), existed };
  },
  async syncDir(dir) {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};
