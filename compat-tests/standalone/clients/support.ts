// Running stock clients as child processes: every process gets its own process group (so a shell
// wrapper and the JVM it starts are stopped together, by pid) and a hard time limit.

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root (tests run from dist/compat-tests/standalone/clients). */
export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

/** Sources that stay in the repository (not compiled to dist). */
export const clientSource = (...parts: string[]): string => resolve(repoRoot, 'compat-tests', 'standalone', 'clients', ...parts);

export const JAVA_CLIENT_CLASSPATH = [
  'curator-framework',
  'curator-client',
  'curator-recipes',
  'zookeeper',
  'zookeeper-jute',
  'guava',
  'slf4j-api',
  'slf4j-nop',
  'jackson-databind',
  'jackson-core',
  'jackson-annotations',
]
  .map((j) => `/usr/share/java/${j}.jar`)
  .join(':');

export const ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' };

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** stdout and stderr in arrival order. */
  output: string;
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

/** Runs a process to completion (stdin from `input`), killing its group after `timeoutMs`. */
export function runProcess(cmd: string, args: string[], opts: { input?: string; timeoutMs: number; cwd?: string }): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { env: ENV, cwd: opts.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      output += c.toString('utf8');
    });
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      output += c.toString('utf8');
    });
    child.stdin!.on('error', () => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut, output });
    });
    child.stdin!.end(opts.input ?? '');
  });
}

/**
 * Drives an interactive line-oriented client: write a line, wait (bounded) until the output
 * after the current mark matches a pattern.
 */
export class LineDriver {
  private readonly child: ChildProcess;
  private out = '';
  private mark = 0;
  private waiters: (() => void)[] = [];
  private exited = false;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { env: ENV, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const onData = (c: Buffer) => {
      this.out += c.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.child.stdin!.on('error', () => undefined);
    this.exit = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exited = true;
        for (const w of this.waiters.splice(0)) w();
        resolve({ code, signal });
      });
    });
  }

  /** Everything the client printed so far (stdout and stderr in arrival order). */
  get output(): string {
    return this.out;
  }

  send(line: string): void {
    this.mark = this.out.length;
    this.child.stdin!.write(line + '\n');
  }

  /** Waits until the output since the last send() matches `re`; returns the match. */
  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.slice(this.mark).match(re);
      if (m !== null) return m;
      const left = deadline - Date.now();
      if (left <= 0 || this.exited) {
        throw new Error(`no output matching ${re} within ${timeoutMs} ms; output since the command:\n${this.out.slice(this.mark)}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a line and waits for its answer. */
  async run(line: string, expect: RegExp, timeoutMs?: number): Promise<RegExpMatchArray> {
    this.send(line);
    return this.waitFor(expect, timeoutMs);
  }

  /** Ends the process group (if still running) and waits for the exit. */
  async stop(): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) {
      this.child.stdin!.end();
      const t = setTimeout(() => {
        try {
          process.kill(-this.child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5000);
      await this.exit;
      clearTimeout(t);
    }
  }

  /** Kills the process group now (while its leader runs) and waits for the exit. */
  async kill(): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      await this.exit;
    }
  }
}
