// The golden logs written by compat-tests/persistence/txnlog/MakeTxnLogs.java with the reference's
// own FileTxnLog, and their manifests.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..', '..');
export const txnLogFixturesDir = join(repoRoot, 'test', 'persistence', 'support-txnlog', 'fixtures');

export interface ManifestAppend {
  op: 'append';
  zxid: bigint;
  type: number;
  typeName: string;
  clientId: bigint;
  cxid: number;
  time: bigint;
  digest: { version: number; treeDigest: bigint } | null;
  entry: Buffer;
}

export type ManifestStep = ManifestAppend | { op: 'commit' } | { op: 'roll' };

export interface Manifest {
  scenario: string;
  dir: string;
  preAllocSize: number;
  txnLogSizeLimit: number;
  files: { name: string; size: number }[];
  steps: ManifestStep[];
}

interface RawStep {
  op: string;
  zxid?: string;
  type?: number;
  typeName?: string;
  clientId?: string;
  cxid?: number;
  time?: string;
  digest?: { version: number; treeDigest: string } | null;
  entry?: string;
}

const hex = (s: string): bigint => BigInt.asIntN(64, BigInt(`0x${s}`));

function step(raw: RawStep): ManifestStep {
  if (raw.op === 'commit' || raw.op === 'roll') return { op: raw.op };
  return {
    op: 'append',
    zxid: hex(raw.zxid!),
    type: raw.type!,
    typeName: raw.typeName!,
    clientId: hex(raw.clientId!),
    cxid: raw.cxid!,
    time: BigInt(raw.time!),
    digest: raw.digest ? { version: raw.digest.version, treeDigest: hex(raw.digest.treeDigest) } : null,
    entry: Buffer.from(raw.entry!, 'base64'),
  };
}

export function loadManifests(): Manifest[] {
  return readdirSync(txnLogFixturesDir)
    .sort()
    .map((scenario) => {
      const dir = join(txnLogFixturesDir, scenario);
      const raw = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        scenario: string;
        preAllocSize: number;
        txnLogSizeLimit: number;
        files: { name: string; size: number }[];
        steps: RawStep[];
      };
      return { ...raw, dir, steps: raw.steps.map(step) };
    });
}

export function appendsOf(m: Manifest): ManifestAppend[] {
  return m.steps.filter((s): s is ManifestAppend => s.op === 'append');
}
