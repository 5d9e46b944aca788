// Preallocation, computed the way the reference's FilePadding does it so that our files have the
// same length (and therefore the same bytes) as Java's for the same appends and commits.
//
// Before each append the reference extends the file when the stream position is within 4 KiB of
// the size it last padded to. That position is the FileChannel's, and the records go through an
// 8 KiB BufferedOutputStream that only reaches the channel when the buffer overflows or on
// commit(), so within a commit group the position lags behind the bytes appended. The model below
// replays that buffering. It follows the JDK 17 that Debian ships, whose DataOutputStream writes an
// int or a long as one array write (older JDKs wrote ints byte by byte, which moves the flush
// points by up to 3 bytes).

/** The reference's FilePadding.calculateFileSizeWithPadding. */
export function paddedFileSize(position: number, fileSize: number, preAllocBytes: number): number {
  if (preAllocBytes > 0 && position + 4096 >= fileSize) {
    if (position > fileSize) {
      const grown = position + preAllocBytes;
      return grown - (grown % preAllocBytes);
    }
    return fileSize + preAllocBytes;
  }
  return fileSize;
}

/** java.io.BufferedOutputStream's default buffer. */
const STREAM_BUFFER_BYTES = 8192;

/** The padded length of one log file as the reference would compute it, record by record. */
export class PreallocationModel {
  /** Bytes that reached the channel: the reference's FileChannel.position(). */
  private flushed: number;
  /** Bytes sitting in the BufferedOutputStream. */
  private buffered = 0;
  /** The size the file was last padded to (FilePadding.currentSize). */
  private padded: number;

  /** `start`: where the records begin (the header is flushed before the first append). */
  constructor(
    private readonly preAllocBytes: number,
    start: number,
  ) {
    this.flushed = start;
    this.padded = start;
  }

  /** Accounts for one appended record and returns the padded size after the append. */
  append(entryBytes: number): number {
    this.padded = paddedFileSize(this.flushed, this.padded, this.preAllocBytes);
    this.writeArray(8); // checksum (writeLong)
    this.writeArray(4); // length (writeInt)
    this.writeArray(entryBytes);
    this.writeByte(); // 'B'
    return this.padded;
  }

  /** commit() flushes the stream. */
  commit(): void {
    this.flushed += this.buffered;
    this.buffered = 0;
  }

  /** The size the file was padded to so far. */
  get paddedBytes(): number {
    return this.padded;
  }

  /** Every byte appended so far, flushed or not. */
  get dataBytes(): number {
    return this.flushed + this.buffered;
  }

  /** What File.length() reports once everything is flushed. */
  get fileBytes(): number {
    return Math.max(this.padded, this.dataBytes);
  }

  private writeArray(len: number): void {
    if (len >= STREAM_BUFFER_BYTES) {
      this.flushed += this.buffered + len;
      this.buffered = 0;
      return;
    }
    if (len > STREAM_BUFFER_BYTES - this.buffered) {
      this.flushed += this.buffered;
      this.buffered = 0;
    }
    this.buffered += len;
  }

  private writeByte(): void {
    if (this.buffered >= STREAM_BUFFER_BYTES) {
      this.flushed += this.buffered;
      this.buffered = 0;
    }
    this.buffered += 1;
  }
}
