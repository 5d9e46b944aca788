// The tree digest of the reference (DigestCalculator version 2, AdHash): each node hashes to the
// CRC32 of its path bytes, its data and a 60-byte block of its persisted stat; the tree digest is
// the 64-bit wrapping sum of the node hashes, kept up to date on every change. Nodes under
// "/zookeeper/" hash to 0 (their quota stats are updated locally on each server).

import { crc32 } from 'node:zlib';
import { ROOT_ALIAS, ROOT_PATH, SYSTEM_SUBTREE_PREFIX } from './paths';

export const DIGEST_VERSION = 2;

/** Bytes of the stat block that follows path and data: czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner. */
export const DIGEST_STAT_BYTES = 60;

const TWO_POW_32 = 0x100000000;

/** Paths whose nodes never enter the digest. */
export function isDigestExcluded(path: string): boolean {
  return path.startsWith(SYSTEM_SUBTREE_PREFIX);
}

/** Path, data and stat block are hashed in one call when they fit here (most nodes). */
const scratch = Buffer.allocUnsafe(4096);

/**
 * The digest of one node. `data` is the node's bytes (a latin1 string holds one byte per char);
 * `statBlock` holds the 60-byte big-endian block at `blockOffset`. The root hashes as "" whichever name it is reached by.
 */
export function nodeDigest(path: string, data: Buffer | string | null, statBlock: Buffer, blockOffset = 0): number {
  if (isDigestExcluded(path)) return 0;
  const p = path === ROOT_ALIAS ? ROOT_PATH : path;
  const dataBytes = data === null ? 0 : data.length;
  if (p.length * 3 + dataBytes + DIGEST_STAT_BYTES <= scratch.length) {
    let at = scratch.write(p, 0, 'utf8');
    if (typeof data === 'string') at += scratch.write(data, at, 'latin1');
    else if (data !== null) at += data.copy(scratch, at);
    statBlock.copy(scratch, at, blockOffset, blockOffset + DIGEST_STAT_BYTES);
    return crc32(scratch.subarray(0, at + DIGEST_STAT_BYTES));
  }
  let crc = crc32(p);
  if (data !== null && data.length > 0) crc = crc32(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, crc);
  return crc32(statBlock.subarray(blockOffset, blockOffset + DIGEST_STAT_BYTES), crc);
}

/**
 * A 64-bit wrapping sum held as two unsigned 32-bit halves, so adding or removing a node's digest
 * (always in [0, 2^32)) allocates nothing.
 */
export class AdHash {
  private hi = 0;
  private lo = 0;

  add(digest: number): void {
    this.lo += digest;
    if (this.lo >= TWO_POW_32) {
      this.lo -= TWO_POW_32;
      this.hi = (this.hi + 1) >>> 0;
    }
  }

  remove(digest: number): void {
    this.lo -= digest;
    if (this.lo < 0) {
      this.lo += TWO_POW_32;
      this.hi = (this.hi - 1) >>> 0;
    }
  }

  clear(): void {
    this.hi = 0;
    this.lo = 0;
  }

  /** The sum as the reference's signed long. */
  get value(): bigint {
    return AdHash.toLong(this.hi, this.lo);
  }

  get high(): number {
    return this.hi;
  }

  get low(): number {
    return this.lo;
  }

  static toLong(hi: number, lo: number): bigint {
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }
}
