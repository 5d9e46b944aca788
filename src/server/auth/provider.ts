// What an authentication scheme provides (the reference's AuthenticationProvider).

import type { Id } from '../../protocol/generated';

/** Server settings the providers read (the reference's system properties). */
export interface AuthConfig {
  /** zookeeper.DigestAuthenticationProvider.superDigest: "super:<base64 hash>". */
  superDigest?: string | undefined;
  /** zookeeper.DigestAuthenticationProvider.enabled (default true). */
  digestEnabled?: boolean | undefined;
  /** zookeeper.DigestAuthenticationProvider.digestAlg, a Java name (default "SHA1"). */
  digestAlgorithm?: string | undefined;
}

export interface AuthContext extends AuthConfig {
  /** The peer address as the socket reports it (any form; normalized like Java's getHostAddress). */
  remoteAddress: string;
}

export interface AuthProvider {
  readonly scheme: string;
  /** Whether its ids identify a user (used to expand the `auth` ACL scheme). ip: no. */
  readonly isAuthenticated: boolean;
  /** The ids an auth packet adds to the connection, or null for AUTHFAILED. */
  authenticate(authData: Buffer | null, ctx: AuthContext): Id[] | null;
  /** Whether `id` is well formed for an ACL of this scheme. */
  isValid(id: string): boolean;
  /** Whether a connection id matches an ACL's id expression. */
  matches(id: string, aclExpr: string): boolean;
  /** The user name whoAmI reports for an id of this scheme. */
  userName(id: string): string;
}
