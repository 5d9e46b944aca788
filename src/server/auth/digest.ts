// The `digest` scheme: the client sends "user:password"; its identity is
// "user:" + base64(hash("user:password")). It never fails: any bytes name some identity.

import { createHash, getHashes } from 'node:crypto';
import type { AuthProvider } from './provider';

/** zookeeper.DigestAuthenticationProvider.digestAlg names (Java) mapped to Node's names. */
const JAVA_DIGEST_NAMES: Readonly<Record<string, string>> = {
  SHA1: 'sha1',
  'SHA-1': 'sha1',
  SHA: 'sha1',
  MD5: 'md5',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA3-224': 'sha3-224',
  'SHA3-256': 'sha3-256',
  'SHA3-384': 'sha3-384',
  'SHA3-512': 'sha3-512',
};

export class DigestAlgorithmError extends Error {
  readonly code = 'ZKTS_DIGEST_ALGORITHM';
}

/** Node's name for a Java MessageDigest algorithm name (default SHA1); throws if unsupported. */
export function nodeDigestAlgorithm(javaName = 'SHA1'): string {
  const name = JAVA_DIGEST_NAMES[javaName.toUpperCase()];
  if (name === undefined || !getHashes().includes(name)) throw new DigestAlgorithmError(`unsupported ACL digest algorithm: ${javaName}`);
  return name;
}

/**
 * "user:base64(hash(idPassword))" where user is the text before the first ':' (all of it if there
 * is none), hashing the whole "user:password" as UTF-8. `bob:secret` -> `bob:fyVmFCwVbTJYrznoSu1koqYEYF0=`.
 */
export function generateDigest(idPassword: string, algorithm = 'sha1'): string {
  const colon = idPassword.indexOf(':');
  const user = colon < 0 ? idPassword : idPassword.slice(0, colon);
  return `${user}:${createHash(algorithm).update(idPassword, 'utf8').digest('base64')}`;
}

/** Java's String.split(regex) part count: trailing empty parts are dropped; no match yields 1. */
function javaSplitCount(s: string, sep: string): number {
  if (!s.includes(sep)) return 1;
  const parts = s.split(sep);
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return n;
}

export const digestProvider: AuthProvider = {
  scheme: 'digest',
  isAuthenticated: true,
  authenticate(authData, ctx) {
    // The reference NPEs on a null auth buffer, which its caller turns into AUTHFAILED.
    if (authData === null) return null;
    // new String(bytes) in the reference: UTF-8 on a UTF-8 JVM, malformed input becomes U+FFFD.
    const digest = generateDigest(authData.toString('utf8'), nodeDigestAlgorithm(ctx.digestAlgorithm));
    const ids = [];
    if (ctx.superDigest !== undefined && digest === ctx.superDigest) ids.push({ scheme: 'super', id: '' });
    ids.push({ scheme: 'digest', id: digest });
    return ids;
  },
  // "user:hash", as Java checks it: split on ':' (trailing empties dropped) gives exactly 2 parts.
  isValid: (id) => javaSplitCount(id, ':') === 2,
  matches: (id, aclExpr) => id === aclExpr,
  // The part before the first ':' (ids are always "user:hash" here).
  userName: (id) => {
    const colon = id.indexOf(':');
    return colon < 0 ? id : id.slice(0, colon);
  },
};
