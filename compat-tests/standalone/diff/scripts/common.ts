// Shared values for the differential scripts.

import { createHash } from 'node:crypto';

/** The id of a digest ACL for `user:password`, as DigestAuthenticationProvider computes it. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}

export const OPEN = ['world:anyone:cdrwa'];
export const READ_ONLY = ['world:anyone:r'];
export const BOB = digestId('bob', 'secret');
export const ALICE = digestId('alice', 'wonder');
/** The superDigest a server is started with in the ACL script: `super:letmein`. */
export const SUPER_DIGEST = digestId('super', 'letmein');
