// `new String(bytes, UTF_8)` as Java 17 decodes it, malformed input included. The reference's
// txn-log dump prints node data and raw multi sub-txn bytes that way, so binary data must turn
// into the same replacement characters. Node's decoder (WHATWG) agrees with Java except for
// encoded surrogates (ED A0..BF xx): Java replaces the three bytes with one U+FFFD, WHATWG with
// three. The rules below are Java's: each malformed sequence becomes one U+FFFD and decoding
// resumes at the first byte that could not belong to it.

const REPL = 0xfffd;

function cont(b: number | undefined): boolean {
  return b !== undefined && (b & 0xc0) === 0x80;
}

/** A bad second byte after a 3-byte lead: not a continuation, or an overlong E0 form. */
function malformed3second(b1: number, b2: number): boolean {
  return (b1 === 0xe0 && (b2 & 0xe0) === 0x80) || !cont(b2);
}

/** A bad second byte after a 4-byte lead: out of range for F0 / F4, or not a continuation. */
function malformed4second(b1: number, b2: number): boolean {
  return (b1 === 0xf0 && (b2 < 0x90 || b2 > 0xbf)) || (b1 === 0xf4 && (b2 & 0xf0) !== 0x80) || !cont(b2);
}

export function javaUtf8Decode(b: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  const flushUnits = (): void => {
    out += String.fromCharCode(...units);
    units.length = 0;
  };
  const n = b.length;
  let i = 0;
  while (i < n) {
    if (units.length >= 4096) flushUnits();
    const b1 = b[i]!;
    if (b1 < 0x80) {
      units.push(b1);
      i++;
    } else if (b1 >= 0xc2 && b1 <= 0xdf) {
      if (cont(b[i + 1])) {
        units.push(((b1 & 0x1f) << 6) | (b[i + 1]! & 0x3f));
        i += 2;
      } else {
        units.push(REPL);
        i++;
      }
    } else if (b1 >= 0xe0 && b1 <= 0xef) {
      if (i + 2 < n) {
        const b2 = b[i + 1]!;
        const b3 = b[i + 2]!;
        if (malformed3second(b1, b2)) {
          units.push(REPL);
          i++;
        } else if (!cont(b3)) {
          units.push(REPL);
          i += 2;
        } else {
          const c = ((b1 & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
          units.push(c >= 0xd800 && c <= 0xdfff ? REPL : c);
          i += 3;
        }
      } else {
        // One or two bytes left: a bad second byte is its own error, else the rest is one.
        units.push(REPL);
        i = i + 1 < n && malformed3second(b1, b[i + 1]!) ? i + 1 : n;
      }
    } else if (b1 >= 0xf0 && b1 <= 0xf7) {
      if (i + 3 < n) {
        const b2 = b[i + 1]!;
        const b3 = b[i + 2]!;
        const b4 = b[i + 3]!;
        const cp = ((b1 & 0x07) << 18) | ((b2 & 0x3f) << 12) | ((b3 & 0x3f) << 6) | (b4 & 0x3f);
        if (!cont(b2) || !cont(b3) || !cont(b4) || cp < 0x10000 || cp > 0x10ffff) {
          units.push(REPL);
          i += b1 > 0xf4 || malformed4second(b1, b2) ? 1 : !cont(b3) ? 2 : 3;
        } else {
          const v = cp - 0x10000;
          units.push(0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
          i += 4;
        }
      } else {
        units.push(REPL);
        if (b1 > 0xf4 || (i + 1 < n && malformed4second(b1, b[i + 1]!))) i++;
        else if (i + 2 < n && !cont(b[i + 2])) i += 2;
        else i = n;
      }
    } else {
      units.push(REPL);
      i++;
    }
  }
  flushUnits();
  return out;
}
