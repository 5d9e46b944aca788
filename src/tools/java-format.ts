// How the reference's command-line tools print values: Java's Long.toHexString, String.format's
// "%#016x", the en-US DateFormat and Date.toString renderings, Request.op2String and Jackson's
// JSON string quoting. Only what the txn-log, snapshot and cleanup tools need.
//
// Dates go through Intl (ICU) in the process time zone (TZ is honoured, as by the JVM). They come
// out as Java 17 prints them for UTC, GMT offsets and zones whose English abbreviation both know
// (EST, PST, ...). Known differences: zones Java abbreviates from its own tables but CLDR does not
// for en-US (Europe/Berlin: Java "CET", here "GMT+01:00"); instants before the 1582 Gregorian
// cutover (Java switches to the Julian calendar); instants outside JavaScript's Date range
// (+-8.64e15 ms), printed here as the raw millisecond count.

import { OpCode } from '../protocol/opcodes';

/** Long.toHexString: two's complement, lower case, no padding. */
export function javaHex(v: bigint | number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** String.format("%#016x", long): "0x" plus at least 14 hex digits. */
export function javaHex016(v: bigint): string {
  return `0x${javaHex(v).padStart(14, '0')}`;
}

const MS_MAX = 8.64e15;

function instant(ms: bigint): Date | null {
  return ms > BigInt(MS_MAX) || ms < BigInt(-MS_MAX) ? null : new Date(Number(ms));
}

type PartMap = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Formatters are built lazily, per time zone: `timeZone` (an IANA name) or, when undefined, the
 * process's zone (TZ).
 */
function partsOf(kind: 'short' | 'medium' | 'dateToString', d: Date, timeZone: string | undefined): PartMap {
  const key = `${kind}|${timeZone ?? ''}|${process.env.TZ ?? ''}`;
  let f = formatters.get(key);
  if (f === undefined) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'short'
        ? { year: '2-digit', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: true, timeZoneName: 'short' }
        : kind === 'medium'
          ? { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: true }
          : {
              weekday: 'short',
              year: 'numeric',
              month: 'short',
              day: '2-digit',
              hour: '2-digit',
              minute: '2-digit',
              second: '2-digit',
              hourCycle: 'h23',
              timeZoneName: 'short',
            };
    f = new Intl.DateTimeFormat('en-US', timeZone === undefined ? opts : { ...opts, timeZone });
    formatters.set(key, f);
  }
  const out: PartMap = {};
  for (const p of f.formatToParts(d)) if (p.type !== 'literal') out[p.type] = p.value;
  return out;
}

/** ICU's "GMT+1" / "GMT+5:30" / "GMT+0" as Java's TimeZone short names: "GMT+01:00", "GMT+05:30", "GMT". */
function javaZoneName(icu: string | undefined): string {
  if (icu === undefined) return '';
  const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(icu);
  if (m === null) return icu;
  if (Number(m[2]) === 0 && (m[3] === undefined || m[3] === '00')) return 'GMT';
  return `GMT${m[1]}${m[2]!.padStart(2, '0')}:${m[3] ?? '00'}`;
}

/** DateFormat.getDateTimeInstance(SHORT, LONG) in en_US: "11/14/23, 10:13:20 PM UTC". */
export function javaShortLongDateTime(ms: bigint, timeZone?: string): string {
  const d = instant(ms);
  if (d === null) return ms.toString();
  const p = partsOf('short', d, timeZone);
  return `${p.month}/${p.day}/${p.year}, ${p.hour}:${p.minute}:${p.second} ${p.dayPeriod} ${javaZoneName(p.timeZoneName)}`;
}

/** DateFormat.getDateTimeInstance() (MEDIUM, MEDIUM) in en_US: "Nov 14, 2023, 10:13:20 PM". */
export function javaMediumDateTime(ms: number, timeZone?: string): string {
  const d = instant(BigInt(Math.trunc(ms)));
  if (d === null) return String(ms);
  const p = partsOf('medium', d, timeZone);
  return `${p.month} ${p.day}, ${p.year}, ${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`;
}

/** The last rendering, by instant and zone: a node's ctime and mtime are often equal. */
let lastDate = { key: '', text: '' };

/** java.util.Date.toString(): "Tue Nov 14 22:13:20 UTC 2023". */
export function javaDateToString(ms: bigint, timeZone?: string): string {
  const key = `${ms}|${timeZone ?? ''}|${process.env.TZ ?? ''}`;
  if (lastDate.key === key) return lastDate.text;
  const d = instant(ms);
  if (d === null) return ms.toString();
  const p = partsOf('dateToString', d, timeZone);
  const text = `${p.weekday} ${p.month} ${p.day} ${p.hour}:${p.minute}:${p.second} ${javaZoneName(p.timeZoneName)} ${p.year}`;
  lastDate = { key, text };
  return text;
}

const OP_NAMES = new Map<number, string>([
  [OpCode.notification, 'notification'],
  [OpCode.create, 'create'],
  [OpCode.delete, 'delete'],
  [OpCode.exists, 'exists'],
  [OpCode.getData, 'getData'],
  [OpCode.setData, 'setData'],
  [OpCode.getACL, 'getACL'],
  [OpCode.setACL, 'setACL'],
  [OpCode.getChildren, 'getChildren'],
  [OpCode.sync, 'sync'],
  [OpCode.ping, 'ping'],
  [OpCode.getChildren2, 'getChildren2'],
  [OpCode.check, 'check'],
  [OpCode.multi, 'multi'],
  [OpCode.create2, 'create2'],
  [OpCode.reconfig, 'reconfig'],
  [OpCode.checkWatches, 'checkWatches'],
  [OpCode.removeWatches, 'removeWatches'],
  [OpCode.createContainer, 'createContainer'],
  [OpCode.deleteContainer, 'deleteContainer'],
  // Spelled so by the reference, unlike the OpCode constant.
  [OpCode.createTTL, 'createTtl'],
  [OpCode.multiRead, 'multiRead'],
  [OpCode.auth, 'auth'],
  [OpCode.setWatches, 'setWatches'],
  [OpCode.setWatches2, 'setWatches2'],
  [OpCode.sasl, 'sasl'],
  [OpCode.getEphemerals, 'getEphemerals'],
  [OpCode.getAllChildrenNumber, 'getAllChildrenNumber'],
  [OpCode.createSession, 'createSession'],
  [OpCode.closeSession, 'closeSession'],
  [OpCode.error, 'error'],
  [OpCode.whoAmI, 'whoAmI'],
  // addWatch (106) is missing from the reference's switch: it prints "unknown 106".
]);

/** Request.op2String: the operation names the reference's tools print. */
export function op2String(op: number): string {
  return OP_NAMES.get(op) ?? `unknown ${op}`;
}

const HEX_UPPER = '0123456789ABCDEF';

/** Jackson's JsonStringEncoder.quoteAsString: ", \ and control characters; \u00XX in upper case. */
export function jacksonQuote(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else out += `\\u00${HEX_UPPER[c >> 4]}${HEX_UPPER[c & 15]}`;
  }
  return out;
}
