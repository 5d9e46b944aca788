// Path and create-mode rules of the write path: PathUtils.validatePath, the parent-path checks of
// create and delete, CreateMode flags, and the sequence suffix.

import { isSpecialPath } from '../../tree';

/** PathUtils.validatePath: true when the reference accepts the path for a write. */
export function validatePath(path: string | null): boolean {
  if (path === null || path.length === 0 || path.charCodeAt(0) !== 0x2f) return false;
  if (path.length === 1) return true;
  if (path.charCodeAt(path.length - 1) === 0x2f) return false;
  let last = 0x2f;
  for (let i = 1; i < path.length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    if (c === 0) return false;
    if (c === 0x2f && last === 0x2f) return false; // empty segment
    const segmentEnds = i + 1 === path.length || path.charCodeAt(i + 1) === 0x2f;
    if (c === 0x2e && last === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && segmentEnds) return false; // ".."
    } else if (c === 0x2e) {
      if (last === 0x2f && segmentEnds) return false; // "."
    } else if (isForbiddenChar(c)) {
      return false;
    }
  }
  return true;
}

function isForbiddenChar(c: number): boolean {
  return (c > 0x00 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

/** The parent a create names, or null when the path has no '/' or holds a NUL (BADARGUMENTS). */
export function parentForCreate(path: string): string | null {
  const slash = path.lastIndexOf('/');
  if (slash < 0 || path.includes('\0')) return null;
  return path.slice(0, slash);
}

/** The parent a delete names, or null for no '/', a NUL or a server-owned path (BADARGUMENTS). */
export function parentForDelete(path: string): string | null {
  if (isSpecialPath(path)) return null;
  return parentForCreate(path);
}

export interface CreateMode {
  readonly flag: number;
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  readonly ttl: boolean;
}

const MODES: readonly CreateMode[] = [
  { flag: 0, ephemeral: false, sequential: false, container: false, ttl: false },
  { flag: 1, ephemeral: true, sequential: false, container: false, ttl: false },
  { flag: 2, ephemeral: false, sequential: true, container: false, ttl: false },
  { flag: 3, ephemeral: true, sequential: true, container: false, ttl: false },
  { flag: 4, ephemeral: false, sequential: false, container: true, ttl: false },
  { flag: 5, ephemeral: false, sequential: false, container: false, ttl: true },
  { flag: 6, ephemeral: false, sequential: true, container: false, ttl: true },
];

/** CreateMode.fromFlag: null for an unknown flag (BADARGUMENTS). */
export function createModeOf(flag: number): CreateMode | null {
  return Number.isInteger(flag) && flag >= 0 && flag < MODES.length ? MODES[flag]! : null;
}

/** String.format("%010d", n): zero-padded to 10 characters, a minus sign counted in the width. */
export function sequenceSuffix(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
}
