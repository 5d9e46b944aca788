// The file-system port of the txn-log writer: the few calls it makes, so tests can observe or delay
// writes and fsyncs (and a simulator can fake them).

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
   * Creates a log file for writing. An existing file of that name is truncated, as the
   * reference's FileOutputStream does; `existed` says so.
   */
  create(path: string): Promise<{ handle: LogFileHandle; existed: boolean }>;
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
  async create(path) {
    try {
      return { handle: wrap(await fsp.open(path, 'wx')), existed: false };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return { handle: wrap(await fsp.open(path, 'w')), existed: true };
    }
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
