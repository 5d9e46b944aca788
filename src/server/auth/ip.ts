// The `ip` scheme: the identity is the peer's address as Java prints it. ACL expressions are
// "a.b.c.d" or "a.b.c.d/bits"; 3.8 matches IPv4 only, so an IPv6 peer never matches an ip ACL.

import type { AuthProvider } from './provider';

/**
 * The address as Java's InetAddress.getHostAddress() prints it: IPv4 dotted quad (an IPv4-mapped
 * IPv6 address becomes IPv4, as the JDK converts it), IPv6 as eight lower-case hex groups without
 * leading zeros or "::" compression, a "%scope" suffix kept. Anything unparseable is returned as is.
 */
export function javaHostAddress(address: string): string {
  const percent = address.indexOf('%');
  const scope = percent < 0 ? '' : address.slice(percent);
  const bare = percent < 0 ? address : address.slice(0, percent);
  if (!bare.includes(':')) return address;
  const groups = parseIPv6(bare);
  if (groups === null) return address;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  return groups.map((g) => g.toString(16)).join(':') + scope;
}

function parseIPv6(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : halves[1]!.split(':');
  const parseSide = (parts: string[]): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === null) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const h = parseSide(head);
  const t = parseSide(tail);
  if (h === null || t === null) return null;
  const missing = 8 - h.length - t.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...h, ...new Array<number>(missing).fill(0), ...t];
}

/** Java's v4addr2Bytes: exactly four Integer.parseInt parts in 0..255 (a sign is allowed). */
function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[+-]?[0-9]+$/.test(p)) return null;
    const v = Number(p);
    if (v < 0 || v > 255) return null;
    out.push(v);
  }
  return out;
}

/** Java's Integer.parseInt for the prefix length; NaN when it would throw. */
function parseBits(s: string): number {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : NaN;
}

/** Zeroes everything after the first `bits` bits. */
function mask(bytes: number[], bits: number): void {
  let i = Math.trunc(bits / 8);
  let m = ~((1 << (8 - (bits % 8))) - 1) & 0xff;
  for (; i < bytes.length; i++) {
    bytes[i]! &= m;
    m = 0;
  }
}

/** The address and prefix length of an ACL expression, or null if Java rejects it. */
function parseExpr(expr: string): { addr: number[]; bits: number } | null {
  const slash = expr.indexOf('/');
  const addr = parseIPv4(slash < 0 ? expr : expr.slice(0, slash));
  if (addr === null) return null;
  if (slash < 0) return { addr, bits: 32 };
  const bits = parseBits(expr.slice(slash + 1));
  if (!(bits >= 0 && bits <= 32)) return null;
  return { addr, bits };
}

export const ipProvider: AuthProvider = {
  scheme: 'ip',
  isAuthenticated: false,
  // The data is ignored: the identity is where the connection comes from.
  authenticate: (_authData, ctx) => [{ scheme: 'ip', id: javaHostAddress(ctx.remoteAddress) }],
  isValid: (id) => parseExpr(id) !== null,
  matches(id, aclExpr) {
    const acl = parseExpr(aclExpr);
    if (acl === null) return false;
    const remote = parseIPv4(id);
    if (remote === null) return false;
    mask(acl.addr, acl.bits);
    mask(remote, acl.bits);
    return remote.every((b, i) => b === acl.addr[i]);
  },
  userName: (id) => id,
};
