// Jute codec throughput: encode and decode of a few client-protocol records through the generated
// codecs (binary-parser for decoding, smart-buffer for encoding), next to one record hand-coded on
// plain Buffer calls so the cost of the library path is visible.
//
//   npm run bench:jute                       # 0.5 s warm-up + 1 s per case
//   node dist/bench/jute/bench.js --quick    # 0.3 s per case
//   node dist/bench/jute/bench.js --seconds 2 --json
//   node --cpu-prof dist/bench/jute/bench.js --only 'GetDataResponse decode'

import assert from 'node:assert/strict';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  ConnectRequest,
  CreateRequest,
  GetChildren2Response,
  GetDataResponse,
  SetDataRequest,
  type Stat,
} from '../../src/protocol/generated';
import { JUTE_MAXBUFFER_DEFAULT, JuteDecodeError, type JuteCodec } from '../../src/protocol/jute/runtime';

// ---- fixtures ----

const STAT: Stat = {
  czxid: 0x1_0000_0002n,
  mzxid: 0x1_0000_0009n,
  ctime: 1_700_000_000_000n,
  mtime: 1_700_000_123_456n,
  version: 7,
  cversion: 3,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 1024,
  numChildren: 0,
  pzxid: 0x1_0000_0005n,
};

function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function children(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `child-${String(i).padStart(4, '0')}`);
}

const connectRequest: ConnectRequest = {
  protocolVersion: 0,
  lastZxidSeen: 0x1_0000_0042n,
  timeOut: 30000,
  sessionId: 0x1000_0a3b_4c5d_0001n,
  passwd: bytes(16),
  readOnly: false,
};
const createRequest: CreateRequest = {
  path: '/bench/node-0000001',
  data: bytes(100),
  acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  flags: 0,
};
const setDataRequest: SetDataRequest = { path: '/bench/node-0000001', data: bytes(1024), version: -1 };
const getDataResponse: GetDataResponse = { data: bytes(1024), stat: STAT };
const getChildren2Response: GetChildren2Response = { children: children(1000), stat: { ...STAT, numChildren: 1000, dataLength: 0 } };

// ---- GetDataResponse hand-coded on Buffer calls (no library) ----

const STAT_BYTES = 68;

function handEncodeGetDataResponse(v: GetDataResponse): Buffer {
  const data = v.data;
  const len = data === null ? 0 : data.length;
  const out = Buffer.allocUnsafe(4 + len + STAT_BYTES);
  out.writeInt32BE(data === null ? -1 : len, 0);
  if (data !== null) data.copy(out, 4);
  const s = v.stat;
  let o = 4 + len;
  o = out.writeBigInt64BE(s.czxid, o);
  o = out.writeBigInt64BE(s.mzxid, o);
  o = out.writeBigInt64BE(s.ctime, o);
  o = out.writeBigInt64BE(s.mtime, o);
  o = out.writeInt32BE(s.version, o);
  o = out.writeInt32BE(s.cversion, o);
  o = out.writeInt32BE(s.aversion, o);
  o = out.writeBigInt64BE(s.ephemeralOwner, o);
  o = out.writeInt32BE(s.dataLength, o);
  o = out.writeInt32BE(s.numChildren, o);
  out.writeBigInt64BE(s.pzxid, o);
  return out;
}

/** Same checks as the generated path: -1 is null, negative / above jute.maxbuffer / beyond input fail. */
function handDecodeGetDataResponse(input: Buffer): GetDataResponse {
  if (input.length < 4 + STAT_BYTES) throw truncated(input);
  const len = input.readInt32BE(0);
  if (len < -1) throw new JuteDecodeError('JUTE_LENGTH_NEGATIVE', `negative length ${len}`, 0, 'GetDataResponse');
  if (len > JUTE_MAXBUFFER_DEFAULT) throw new JuteDecodeError('JUTE_LENGTH_ABOVE_MAX', `length ${len} too big`, 0, 'GetDataResponse');
  if (len > input.length - 4) throw new JuteDecodeError('JUTE_LENGTH_BEYOND_INPUT', `length ${len} beyond input`, 0, 'GetDataResponse');
  let o = len === -1 ? 4 : 4 + len;
  if (o + STAT_BYTES > input.length) throw truncated(input);
  const data = len === -1 ? null : input.subarray(4, o);
  const stat: Stat = {
    czxid: input.readBigInt64BE(o),
    mzxid: input.readBigInt64BE((o += 8)),
    ctime: input.readBigInt64BE((o += 8)),
    mtime: input.readBigInt64BE((o += 8)),
    version: input.readInt32BE((o += 8)),
    cversion: input.readInt32BE((o += 4)),
    aversion: input.readInt32BE((o += 4)),
    ephemeralOwner: input.readBigInt64BE((o += 4)),
    dataLength: input.readInt32BE((o += 8)),
    numChildren: input.readInt32BE((o += 4)),
    pzxid: input.readBigInt64BE((o += 4)),
  };
  return { data, stat };
}

function truncated(input: Buffer): JuteDecodeError {
  return new JuteDecodeError('JUTE_TRUNCATED', `input ends inside the record (${input.length} bytes)`, input.length, 'GetDataResponse');
}

/** Start-up check: identical bytes, deep-equal values, and the same inputs rejected. */
function verifyHandCoded(): void {
  for (const v of [getDataResponse, { data: null, stat: STAT }, { data: Buffer.alloc(0), stat: STAT }]) {
    const generated = GetDataResponse.encode(v);
    assert.deepEqual(handEncodeGetDataResponse(v), generated, 'hand-coded encoder bytes differ');
    assert.deepEqual(handDecodeGetDataResponse(generated), GetDataResponse.decode(generated), 'hand-coded decoder value differs');
  }
  const beyond = GetDataResponse.encode(getDataResponse);
  beyond.writeInt32BE(beyond.length, 0);
  const bad = [beyond, Buffer.from([0xff, 0xff, 0xff, 0xfe, ...new Array(STAT_BYTES).fill(0)]), GetDataResponse.encode(getDataResponse).subarray(0, 1090)];
  for (const input of bad) {
    assert.throws(() => GetDataResponse.decode(input), JuteDecodeError);
    assert.throws(() => handDecodeGetDataResponse(input), JuteDecodeError);
  }
}

// ---- cases ----

type Op = 'encode' | 'decode';

interface Case {
  record: string;
  op: Op;
  /** Encoded size of one record: the unit for MB/s in both directions. */
  bytes: number;
  /** One operation; returns a number folded into the checksum so the work cannot be eliminated. */
  run: () => number;
}

function codecCases<T>(codec: JuteCodec<T>, value: T, digest: (v: T) => number): Case[] {
  const wire = codec.encode(value);
  const label = codec.name;
  return [
    { record: label, op: 'encode', bytes: wire.length, run: () => lastByte(codec.encode(value)) },
    { record: label, op: 'decode', bytes: wire.length, run: () => digest(codec.decode(wire)) },
  ];
}

function lastByte(b: Buffer): number {
  return b.length + b[b.length - 1]!;
}

function dataDigest(v: { data: Buffer | null }): number {
  return v.data === null ? 0 : v.data.length + v.data[v.data.length - 1]!;
}

function getDataDigest(v: GetDataResponse): number {
  return v.stat.version + dataDigest(v);
}

const HAND_LABEL = 'GetDataResponse (hand-coded)';

function buildCases(): Case[] {
  const wire = GetDataResponse.encode(getDataResponse);
  return [
    ...codecCases(ConnectRequest, connectRequest, (v) => v.timeOut + v.passwd!.length + (v.readOnly ? 1 : 0)),
    ...codecCases(CreateRequest, createRequest, (v) => v.path!.length + v.acl!.length + dataDigest(v)),
    ...codecCases(SetDataRequest, setDataRequest, (v) => v.version + dataDigest(v)),
    ...codecCases(GetDataResponse, getDataResponse, getDataDigest),
    { record: HAND_LABEL, op: 'encode', bytes: wire.length, run: () => lastByte(handEncodeGetDataResponse(getDataResponse)) },
    { record: HAND_LABEL, op: 'decode', bytes: wire.length, run: () => getDataDigest(handDecodeGetDataResponse(wire)) },
    ...codecCases(GetChildren2Response, getChildren2Response, (v) => v.children!.length + v.children![999]!.length),
  ];
}

// ---- timing ----

let checksum = 0;

/** Runs `run` in batches until `seconds` have passed; hrtime is read once per batch, not per op. */
function timeLoop(run: () => number, seconds: number, batch: number): { ops: number; ns: number } {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let now = start;
  let ops = 0;
  let sum = 0;
  do {
    for (let i = 0; i < batch; i++) sum = (sum + run()) | 0;
    ops += batch;
    now = process.hrtime.bigint();
  } while (now - start < budget);
  checksum = (checksum + sum) | 0;
  return { ops, ns: Number(now - start) };
}

interface Result {
  record: string;
  op: Op;
  bytes: number;
  ops: number;
  recordsPerSec: number;
  mbPerSec: number;
  nsPerOp: number;
}

function measure(c: Case, seconds: number, warmup: number): Result {
  const w = timeLoop(c.run, warmup, 16);
  // Batches of about 1 ms keep the clock reads out of the per-op figure.
  const batch = Math.max(1, Math.round(w.ops / (w.ns / 1e6)));
  const { ops, ns } = timeLoop(c.run, seconds, batch);
  const recordsPerSec = (ops * 1e9) / ns;
  return { record: c.record, op: c.op, bytes: c.bytes, ops, recordsPerSec, mbPerSec: (c.bytes * recordsPerSec) / 1e6, nsPerOp: ns / ops };
}

// ---- output ----

interface Ratios {
  encode: number;
  decode: number;
}

/** generated ns/op over hand-coded ns/op, per direction (> 1: the generated path is slower). */
function ratios(results: Result[]): Ratios {
  // NaN when --only left one of the four cases out.
  const ns = (record: string, op: Op) => results.find((r) => r.record === record && r.op === op)?.nsPerOp ?? NaN;
  return {
    encode: ns('GetDataResponse', 'encode') / ns(HAND_LABEL, 'encode'),
    decode: ns('GetDataResponse', 'decode') / ns(HAND_LABEL, 'decode'),
  };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `node ${process.version}, ${os.platform()}/${os.arch()}, ${os.cpus().length} x ${cpu}`;
}

function formatTable(results: Result[]): string {
  const header = ['record', 'op', 'bytes', 'records/s', 'MB/s', 'ns/op'];
  const rows = results.map((r) => [
    r.record,
    r.op,
    String(r.bytes),
    Math.round(r.recordsPerSec).toLocaleString('en-US'),
    r.mbPerSec.toFixed(1),
    r.nsPerOp.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function printText(results: Result[], r: Ratios, seconds: number, warmup: number): void {
  console.log(`Jute codec throughput (${machine()}; warm-up ${warmup} s, ${seconds} s per case)\n`);
  console.log(formatTable(results));
  if (!Number.isNaN(r.encode + r.decode)) {
    console.log(`\ngenerated/hand-coded (GetDataResponse, ns/op): encode ${r.encode.toFixed(2)}x, decode ${r.decode.toFixed(2)}x`);
  }
  console.log(`checksum ${checksum}`);
}

// ---- main ----

function options(): { seconds: number; warmup: number; json: boolean; only: string } {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      only: { type: 'string', default: '' }, // substring of "record op", e.g. for --cpu-prof
    },
  });
  const seconds = values.seconds !== undefined ? Number(values.seconds) : values.quick ? 0.3 : 1;
  const warmup = values.warmup !== undefined ? Number(values.warmup) : 0.5;
  if (!(seconds > 0) || !(warmup >= 0)) throw new Error('--seconds must be > 0 and --warmup >= 0');
  return { seconds, warmup, json: values.json, only: values.only };
}

function main(): void {
  const opts = options();
  verifyHandCoded();
  const cases = buildCases().filter((c) => `${c.record} ${c.op}`.includes(opts.only));
  const results = cases.map((c) => measure(c, opts.seconds, opts.warmup));
  const r = ratios(results);
  if (opts.json) {
    console.log(JSON.stringify({ machine: machine(), seconds: opts.seconds, warmup: opts.warmup, results, ratios: r, checksum }, null, 2));
  } else {
    printText(results, r, opts.seconds, opts.warmup);
  }
}

try {
  main();
} catch (e) {
  // A failed start-up check prints the byte/value diff; a bad option just its message.
  console.error(e instanceof assert.AssertionError ? e.stack : e instanceof Error ? e.message : e);
  process.exit(1);
}
