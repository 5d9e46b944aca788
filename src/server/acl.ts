// ACL rules as the reference applies them: the permission check (ZooKeeperServer.checkACL), the
// check-and-expand step for ACLs a client sends (PrepRequestProcessor.fixupACL), the providers'
// isValid/matches/isAuthenticated, and the digest masking a getACL reply gets without ADMIN
// (FinalRequestProcessor).
//
// Where the reference would hit a NullPointerException on a null scheme or id, the request fails
// with MARSHALLINGERROR, which is what its generic catch turns such a failure into.

import type { ACL, Id } from '../protocol/generated';
import { ErrCode } from '../protocol/opcodes';

export interface AclOptions {
  /** zookeeper.skipACL=yes: every permission check passes. */
  skipACL: boolean;
  /**
   * Schemes that have a provider. The reference registers ip and digest by default; sasl and x509
   * only when configured. A scheme without a provider never matches and is invalid in a new ACL.
   */
  authSchemes?: readonly string[];
}

interface Provider {
  /** The reference's isAuthenticated(): ids of this scheme prove an identity (they expand `auth`). */
  readonly authenticated: boolean;
  isValid(id: string): boolean;
  matches(callerId: string, aclId: string): boolean;
}

const DEFAULT_SCHEMES: readonly string[] = ['ip', 'digest'];

const PROVIDERS: ReadonlyMap<string, Provider> = new Map<string, Provider>([
  ['ip', { authenticated: false, isValid: ipAclIsValid, matches: ipMatches }],
  ['digest', { authenticated: true, isValid: (id) => javaSplitCount(id, ':') === 2, matches: (a, b) => a === b }],
  // The reference's SASL provider also lets a caller named "super" through (and honours
  // zookeeper.letAnySaslUserDoX, which is not modelled here).
  ['sasl', { authenticated: true, isValid: kerberosNameIsValid, matches: (a, b) => a === 'super' || a === b }],
  ['x509', { authenticated: true, isValid: x500NameIsValid, matches: (a, b) => a === b }],
]);

function providerFor(scheme: string, opts: AclOptions | undefined): Provider | undefined {
  const schemes = opts?.authSchemes ?? DEFAULT_SCHEMES;
  return schemes.includes(scheme) ? PROVIDERS.get(scheme) : undefined;
}

/**
 * True when `ids` may use `perm` on a node guarded by `acl`: skipACL, a null or empty list, a
 * `super` id, a world:anyone entry with the bit, or an entry whose provider matches a caller id of
 * the same scheme.
 */
export function checkACL(acl: readonly ACL[] | null, perm: number, ids: readonly Id[], opts: AclOptions): boolean {
  if (opts.skipACL) return true;
  if (acl === null || acl.length === 0) return true;
  for (const caller of ids) if (caller.scheme === 'super') return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    if (scheme === null || id === null) continue;
    const provider = providerFor(scheme, opts);
    if (provider === undefined) continue;
    for (const caller of ids) {
      if (caller.scheme === scheme && caller.id !== null && provider.matches(caller.id, id)) return true;
    }
  }
  return false;
}

export type AclFixupError = typeof ErrCode.INVALIDACL | typeof ErrCode.MARSHALLINGERROR;

/**
 * The ACL a create/setACL stores: duplicates dropped, `auth` entries replaced by every caller id
 * whose provider authenticates (ip does not), everything else checked by its provider. A null or
 * empty list, an unknown scheme, an invalid id or an `auth` entry that expands to nothing is
 * INVALIDACL. `path` is only context (the reference puts it in the exception).
 */
export function fixupACL(path: string, authInfo: readonly Id[], acl: readonly ACL[] | null, opts?: AclOptions): ACL[] | AclFixupError {
  void path;
  const unique = removeDuplicates(acl);
  if (typeof unique === 'number') return unique;
  if (unique.length === 0) return ErrCode.INVALIDACL;
  const out: ACL[] = [];
  for (const entry of unique) {
    const { scheme, id } = entry.id;
    if (scheme === null) return ErrCode.INVALIDACL;
    if (scheme === 'world' && id === null) return ErrCode.MARSHALLINGERROR;
    if (scheme === 'world' && id === 'anyone') {
      out.push(entry);
    } else if (scheme === 'auth') {
      let expanded = false;
      for (const caller of authInfo) {
        const provider = caller.scheme === null ? undefined : providerFor(caller.scheme, opts);
        if (provider !== undefined && provider.authenticated) {
          expanded = true;
          out.push({ perms: entry.perms, id: caller });
        }
      }
      if (!expanded) return ErrCode.INVALIDACL;
    } else {
      const provider = providerFor(scheme, opts);
      if (provider === undefined) return ErrCode.INVALIDACL;
      if (id === null) return ErrCode.MARSHALLINGERROR;
      if (!provider.isValid(id)) return ErrCode.INVALIDACL;
      out.push(entry);
    }
  }
  return out;
}

/**
 * Drops repeated entries keeping the first, comparing as the reference's generated equals() does:
 * perms, then scheme, then id, dereferencing this entry's fields (a null there throws in Java).
 */
function removeDuplicates(acl: readonly ACL[] | null): ACL[] | typeof ErrCode.MARSHALLINGERROR {
  if (acl === null) return [];
  const kept: ACL[] = [];
  for (const entry of acl) {
    let seen = false;
    for (const k of kept) {
      const eq = javaAclEquals(entry, k);
      if (eq === null) return ErrCode.MARSHALLINGERROR;
      if (eq) {
        seen = true;
        break;
      }
    }
    if (!seen) kept.push(entry);
  }
  return kept;
}

/** ACL.equals as generated: null when the receiver's field is null where Java would dereference it. */
function javaAclEquals(a: ACL, b: ACL): boolean | null {
  if (a === b) return true;
  if (a.perms !== b.perms) return false;
  if (a.id === b.id) return true;
  if (a.id.scheme === null) return null;
  if (a.id.scheme !== b.id.scheme) return false;
  if (a.id.id === null) return null;
  return a.id.id === b.id.id;
}

/**
 * The ACL a getACL reply carries. Without ADMIN on the node, digest ids are masked: everything
 * from the first ':' to the end of the line becomes ":x" (Java's replaceAll(":.*", ":x"), where
 * '.' stops at line terminators). The caller decides `canAdmin` with
 * checkACL(nodeAcl, Perms.ADMIN, ids, opts); the caller's ids may be passed along but are not
 * consulted.
 */
export function maskAclForReader(acl: readonly ACL[], canAdmin: boolean): ACL[];
export function maskAclForReader(acl: readonly ACL[], ids: readonly Id[], canAdmin: boolean): ACL[];
export function maskAclForReader(acl: readonly ACL[], idsOrCanAdmin: readonly Id[] | boolean, canAdminArg?: boolean): ACL[] {
  const canAdmin = typeof idsOrCanAdmin === 'boolean' ? idsOrCanAdmin : canAdminArg === true;
  if (canAdmin) return [...acl];
  return acl.map((entry) => {
    if (entry.id.scheme !== 'digest' || entry.id.id === null) return entry;
    return { perms: entry.perms, id: { scheme: 'digest', id: entry.id.id.replace(/:[^\n\r\u0085\u2028\u2029]*/g, ':x') } };
  });
}

// ---------------------------------------------------------------- providers

/** Java's String.split(sep) (limit 0) part count: trailing empty parts are dropped; no match gives 1. */
function javaSplitCount(s: string, sep: string): number {
  const parts = s.split(sep);
  if (parts.length === 1) return 1;
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return n;
}

/** Integer.parseInt for ASCII digits: optional sign, within the int range, else null. */
function javaParseInt(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = Number(s);
  return v < -0x80000000 || v > 0x7fffffff ? null : v;
}

/** a.b.c.d with each part 0..255; the reference has no IPv6 support in 3.8. */
function ipv4Bytes(addr: string): number[] | null {
  const parts = addr.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    const v = javaParseInt(p);
    if (v === null || v < 0 || v > 255) return null;
    out.push(v);
  }
  return out;
}

/** Java's split("/", 2). */
function splitOnce(s: string, sep: string): [string] | [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s] : [s.slice(0, at), s.slice(at + 1)];
}

/** The prefix length of "addr/bits" (32 without "/bits"), or null when the bits do not parse or exceed the address. */
function prefixBits(parts: [string] | [string, string], addrBytes: number): number | null {
  if (parts.length === 1) return addrBytes * 8;
  const bits = javaParseInt(parts[1]);
  return bits === null || bits < 0 || bits > addrBytes * 8 ? null : bits;
}

function maskBytes(b: number[], bits: number): void {
  let at = Math.floor(bits / 8);
  let keep = ~((1 << (8 - (bits % 8))) - 1) & 0xff;
  while (at < b.length) {
    b[at] = b[at]! & keep;
    keep = 0;
    at++;
  }
}

function ipAclIsValid(id: string): boolean {
  const parts = splitOnce(id, '/');
  const addr = ipv4Bytes(parts[0]);
  return addr !== null && prefixBits(parts, addr.length) !== null;
}

function ipMatches(callerId: string, aclExpr: string): boolean {
  const parts = splitOnce(aclExpr, '/');
  const acl = ipv4Bytes(parts[0]);
  if (acl === null) return false;
  const bits = prefixBits(parts, acl.length);
  if (bits === null) return false;
  const caller = ipv4Bytes(callerId);
  if (caller === null) return false;
  maskBytes(acl, bits);
  maskBytes(caller, bits);
  return caller.every((v, i) => v === acl[i]);
}

/** KerberosName's constructor: a name with '@' must be service[/host]@realm; a name without one is always accepted. */
function kerberosNameIsValid(id: string): boolean {
  return /^[^/@]*(\/[^/@]*)?@[^/@]*$/.test(id) || !id.includes('@');
}

const X500_KEYWORDS = new Set([
  'CN', 'C', 'L', 'S', 'ST', 'O', 'OU', 'T', 'IP', 'STREET', 'DC', 'DNQUALIFIER', 'DNQ', 'SURNAME',
  'GIVENNAME', 'INITIALS', 'GENERATION', 'EMAIL', 'EMAILADDRESS', 'UID', 'SERIALNUMBER',
]);

/**
 * An approximation of `new X500Principal(name)` succeeding: empty, or RDNs separated by unescaped
 * ',' / ';' / '+', each `type=value` with a known keyword or a dotted OID as the type.
 */
function x500NameIsValid(id: string): boolean {
  if (id.trim() === '') return true;
  for (const rdn of id.split(/(?<!\\)[,;+]/)) {
    const eq = rdn.indexOf('=');
    if (eq < 0) return false;
    const type = rdn.slice(0, eq).trim();
    if (!X500_KEYWORDS.has(type.toUpperCase()) && !/^(OID\.)?[0-9]+(\.[0-9]+)+$/i.test(type)) return false;
  }
  return true;
}
