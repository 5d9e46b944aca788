// Process-level values the reference reads from the OS (its OSMXBean): open descriptors and the
// soft limit on them. Linux only (via /proc); elsewhere null, and mntr leaves the keys out.

import { readdirSync, readFileSync } from 'node:fs';

export function openFileDescriptorCount(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** The soft RLIMIT_NOFILE; -1 when unlimited. */
export function maxFileDescriptorCount(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? -1 : Number(soft);
  } catch {
    return null;
  }
}
