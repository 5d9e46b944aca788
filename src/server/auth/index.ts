// Authentication: the providers the reference registers by default (ip, and digest unless
// disabled), auth packets, the ids a connection starts with, and whoAmI user names.
//
// `world` and `super` are not providers: world:anyone is special-cased by ACL checks and super is
// only ever added by digest. An auth packet naming either (or any unknown scheme) fails.

import { AuthPacket, type Id } from '../../protocol/generated';
import { digestProvider } from './digest';
import { ipProvider, javaHostAddress } from './ip';
import type { AuthConfig, AuthContext, AuthProvider } from './provider';

export { DigestAlgorithmError, generateDigest, nodeDigestAlgorithm } from './digest';
export { javaHostAddress } from './ip';
export { javaAuthInfoOrder, javaIdHash } from './auth-info-order';
export type { AuthConfig, AuthContext, AuthProvider } from './provider';

export type AuthResult =
  | { ok: true; ids: Id[] }
  /**
   * 'malformed': the packet did not decode (the reference closes the connection without a reply).
   * 'unknownScheme' / 'failed': reply AUTHFAILED (-115), then close.
   */
  | { ok: false; reason: 'malformed' | 'unknownScheme' | 'failed' };

/** The provider for `scheme`, or undefined when the reference has none registered. */
export function providerFor(scheme: string | null, config: AuthConfig = {}): AuthProvider | undefined {
  switch (scheme) {
    case 'ip':
      return ipProvider;
    case 'digest':
      return config.digestEnabled === false ? undefined : digestProvider;
    default:
      return undefined;
  }
}

/** Handles an auth packet, given its decoded scheme and data. */
export function authenticate(scheme: string | null, authData: Buffer | null, ctx: AuthContext): AuthResult;
/** Handles an auth packet, given its body (the AuthPacket record after the RequestHeader). */
export function authenticate(packet: Buffer, ctx: AuthContext): AuthResult;
export function authenticate(a: string | null | Buffer, b: Buffer | null | AuthContext, c?: AuthContext): AuthResult {
  if (Buffer.isBuffer(a)) {
    let packet: AuthPacket;
    try {
      packet = AuthPacket.decode(a);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    return authenticate(packet.scheme, packet.auth, b as AuthContext);
  }
  const ctx = c!;
  const provider = providerFor(a, ctx);
  if (provider === undefined) return { ok: false, reason: 'unknownScheme' };
  const ids = provider.authenticate(b as Buffer | null, ctx);
  return ids === null ? { ok: false, reason: 'failed' } : { ok: true, ids };
}

/** The ids every connection starts with: ip:<peer address as Java prints it>. */
export function initialIds(remoteAddress: string): Id[] {
  return [{ scheme: 'ip', id: javaHostAddress(remoteAddress) }];
}

/**
 * whoAmI's user for an id: the provider's user name (digest: the part before ':'; ip: the
 * address), or "" when no provider has the scheme (super, sasl without a configured provider).
 */
export function userName(id: Id, config: AuthConfig = {}): string {
  const provider = providerFor(id.scheme, config);
  return provider === undefined ? '' : provider.userName(id.id ?? '');
}

/** Whether ids of `scheme` identify a user, so that an `auth` ACL expands to them (digest yes, ip no). */
export function isAuthenticated(scheme: string, config: AuthConfig = {}): boolean {
  return providerFor(scheme, config)?.isAuthenticated ?? false;
}

/** Whether an ACL id of `scheme` is well formed (fixupACL; an unknown scheme is INVALIDACL). */
export function isValidId(scheme: string, id: string, config: AuthConfig = {}): boolean {
  return providerFor(scheme, config)?.isValid(id) ?? false;
}

/** Whether a connection id matches an ACL id of the same scheme (checkACL). */
export function matchesId(scheme: string, id: string, aclExpr: string, config: AuthConfig = {}): boolean {
  return providerFor(scheme, config)?.matches(id, aclExpr) ?? false;
}
