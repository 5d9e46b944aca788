// Value parsers with the reference's accepted syntax, so a zoo.cfg (or -D flag) that Java reads is
// read the same way here. They return undefined instead of throwing; the caller names the key.

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Integer.parseInt: optional sign, decimal digits, int32 range. */
export function parseJavaInt(s: string): number | undefined {
  const v = parseDecimal(s, BigInt(INT_MIN), BigInt(INT_MAX));
  return v === undefined ? undefined : Number(v);
}

/** Long.parseLong: optional sign, decimal digits, int64 range. */
export function parseJavaLong(s: string): bigint | undefined {
  return parseDecimal(s, LONG_MIN, LONG_MAX);
}

/**
 * Integer.decode, as Integer.getInteger reads system properties: optional sign, then `0x`, `0X`
 * or `#` for hex, a leading `0` for octal, else decimal (`-Djute.maxbuffer=0xfffff` is common).
 */
export function decodeJavaInt(s: string): number | undefined {
  const v = decode(s, BigInt(INT_MIN), BigInt(INT_MAX));
  return v === undefined ? undefined : Number(v);
}

/** Long.decode, as Long.getLong reads system properties. */
export function decodeJavaLong(s: string): bigint | undefined {
  return decode(s, LONG_MIN, LONG_MAX);
}

/** The reference's own parseBoolean for zoo.cfg keys: `true` or `false`, any case. */
export function parseStrictBoolean(s: string): boolean | undefined {
  const l = s.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  return undefined;
}

function parseDecimal(s: string, min: bigint, max: bigint): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < min || v > max ? undefined : v;
}

function decode(s: string, min: bigint, max: bigint): bigint | undefined {
  let i = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    i = 1;
  }
  let radix = 10;
  if (s.startsWith('0x', i) || s.startsWith('0X', i)) {
    radix = 16;
    i += 2;
  } else if (s.startsWith('#', i)) {
    radix = 16;
    i += 1;
  } else if (s.startsWith('0', i) && s.length > i + 1) {
    radix = 8;
    i += 1;
  }
  const digits = s.slice(i);
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  const magnitude = BigInt(prefix + digits);
  const v = negative ? -magnitude : magnitude;
  return v < min || v > max ? undefined : v;
}
