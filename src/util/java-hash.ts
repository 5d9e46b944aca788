// The JDK's hash codes, for code that must reproduce the iteration order of Java hash tables
// (snapshot dumps, closeSession paths, a connection's auth ids).

/** String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Long.hashCode: (int) (v ^ (v >>> 32)). */
export function javaLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}
