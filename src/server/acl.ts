// ACL rules as the reference applies them: the permission check (ZooKeeperServer.checkACL), the
// check-and-expand step for ACLs a client sends (PrepRequestProcessor.fixupACL), the providers'
// isValid/matches/isAuthenticated, and the digest masking a getACL reply gets without ADMIN
// (FinalRequestProcessor).
//
// Where the reference would hit a NullPointerException on a null scheme or id, the request fails
// with MARSHALLINGERROR, which is what its generic catch turns such a failure into.

import type { ACL, Id } from '../protocol/generated';
import { ErrCode } from '../protocol/opcodes';
import { digestProvider } from './auth/digest';
import { ipProvider } from './auth/ip';

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
  // ip and digest are the authentication providers' own rules (src/server/auth).
  ['ip', { authenticated: ipProvider.isAuthenticated, isValid: ipProvider.isValid, matches: ipProvider.matches }],
  ['digest', { authenticated: digestProvider.isAuthenticated, isValid: digestProvider.isValid, matches: digestProvider.matches }],
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
