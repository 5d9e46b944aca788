// Election time after a leader kill (issue 6). With an idle 3-member ensemble settled (everyone
// serves, one leader), the leader is SIGKILLed by its pid; from just before the signal we time
//   - write: the first create that succeeds through a surviving member (a new session per attempt,
//     on each survivor in parallel; the session's own creation already needs the new leader), and
//   - leader: the first `srvr` on a survivor that says Mode: leader.
// Then the killed member is restarted on its dataDir and the ensemble settles again before the
// next trial. Both kinds run side by side and trials alternate (A B A B) so drift on the shared
// machine hits both alike.

import { fmt, median } from '../load/format';
import { type ServerKind } from '../load/servers';
import { CreateMode, Frames, Session } from '../load/wire';
import { type Ensemble, modeOf, settled, startEnsemble } from './members';

export interface ElectionTrial {
  kind: ServerKind;
  killedSid: number;
  writeMs: number;
  leaderMs: number;
  newLeaderSid: number;
}

const PROBE = Frames.create('/election-probe-', Buffer.alloc(0), CreateMode.persistentSequential);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with ms since t0 of the first successful create through `port`; polls every 10 ms until `deadline`. */
async function firstWrite(port: number, t0: bigint, deadline: number, done: () => boolean): Promise<number> {
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`no write through ${port} before the deadline`);
    let s: Session | null = null;
    try {
      s = await Session.connect(port, 1000, 6000);
      const r = await s.call(PROBE, 2000);
      if (r.err === 0) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        void s.close().catch(() => undefined);
        return ms;
      }
    } catch {
      // not serving yet (refused, closed during the handshake, or the request timed out)
    }
    s?.destroy();
    await sleep(10);
  }
  return Infinity;
}

async function firstLeader(ports: number[], t0: bigint, deadline: number): Promise<{ ms: number; port: number }> {
  for (;;) {
    const modes = await Promise.all(ports.map((p) => modeOf(p, 500)));
    const i = modes.indexOf('leader');
    if (i >= 0) return { ms: Number(process.hrtime.bigint() - t0) / 1e6, port: ports[i]! };
    if (Date.now() > deadline) throw new Error('no survivor became leader before the deadline');
    await sleep(10);
  }
}

export async function electionTrial(e: Ensemble, timeoutMs = 60_000): Promise<ElectionTrial> {
  const leader = await settled(e);
  const survivors = [...e.members.values()].filter((m) => m.sid !== leader);
  const ports = survivors.map((m) => m.clientPort);
  const deadline = Date.now() + timeoutMs;
  const t0 = process.hrtime.bigint();
  await e.kill(leader);
  let written = false;
  const write = Promise.any(ports.map((p) => firstWrite(p, t0, deadline, () => written))).then((ms) => {
    written = true;
    return ms;
  });
  const [writeMs, lead] = await Promise.all([write, firstLeader(ports, t0, deadline)]);
  await e.restart(leader);
  await settled(e, timeoutMs);
  return { kind: e.kind, killedSid: leader, writeMs, leaderMs: lead.ms, newLeaderSid: survivors.find((m) => m.clientPort === lead.port)!.sid };
}

export async function electionPass(trials: number, log: (s: string) => void): Promise<Record<ServerKind, ElectionTrial[]>> {
  const out: Record<ServerKind, ElectionTrial[]> = { java: [], zkts: [] };
  const ens: Partial<Record<ServerKind, Ensemble>> = {};
  try {
    ens.java = await startEnsemble('java');
    ens.zkts = await startEnsemble('zkts');
    for (let t = 0; t < trials; t++) {
      for (const kind of (t % 2 ? ['zkts', 'java'] : ['java', 'zkts']) as ServerKind[]) {
        const r = await electionTrial(ens[kind]!);
        out[kind].push(r);
        log(`  election ${kind.padEnd(4)} #${t + 1}: killed ${r.killedSid}, write after ${fmt(r.writeMs)} ms, ${r.newLeaderSid} reports leader after ${fmt(r.leaderMs)} ms`);
      }
    }
  } finally {
    await Promise.all(Object.values(ens).map((x) => x.stop()));
  }
  return out;
}

export function electionTable(res: Record<ServerKind, ElectionTrial[]>): string[] {
  const lines = [
    `Election after SIGKILL of the leader, idle 3-member ensemble, ${res.java.length} trials per kind, ms from the signal:`,
    '',
    '| server | write ok: median | min | max | Mode leader: median | min | max |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const stats = (xs: number[]): [number, number, number] => [median(xs), Math.min(...xs), Math.max(...xs)];
  for (const kind of ['java', 'zkts'] as ServerKind[]) {
    const w = stats(res[kind].map((x) => x.writeMs));
    const l = stats(res[kind].map((x) => x.leaderMs));
    lines.push(`| ${kind} | ${fmt(w[0])} | ${fmt(w[1])} | ${fmt(w[2])} | ${fmt(l[0])} | ${fmt(l[1])} | ${fmt(l[2])} |`);
  }
  const r = (f: (x: ElectionTrial) => number): string => fmt(median(res.zkts.map(f)) / median(res.java.map(f)), 2);
  lines.push(`| zkts/Java (of medians) | ${r((x) => x.writeMs)} | | | ${r((x) => x.leaderMs)} | | |`);
  return lines;
}
