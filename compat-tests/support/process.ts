// Child processes the compatibility tests start, and waits on them: stopped always by their own
// child handle (so by pid), every wait bounded (exited, stopChild, captureOutput, within).

import type { ChildProcess } from 'node:child_process';

/** Resolves true once the child has exited, false if it is still running after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs` (0: SIGKILL at once, as a crash). */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (graceMs > 0) {
    child.kill('SIGTERM');
    if (await exited(child, graceMs)) return;
  }
  child.kill('SIGKILL');
  await exited(child, 10_000);
}

/** A child's stdout and stderr, accumulated, with waits re-checked on every chunk and on exit. */
export interface CapturedOutput {
  text(): string;
  /** Resolves once `ok(text)` holds; rejects if the child exits first or after `timeoutMs`. */
  until(ok: (text: string) => boolean, what: string, timeoutMs: number): Promise<void>;
  /** The first match of `re` in the output from offset `from` on. */
  match(re: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
}

export function captureOutput(child: ChildProcess, name: string): CapturedOutput {
  let out = '';
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const onData = (c: Buffer): void => {
    out += c.toString();
    wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', wake);
  const tail = (): string => (out.length > 4000 ? `…${out.slice(-4000)}` : out);
  const until = (ok: (text: string) => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (ok(out)) {
          done();
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: no ${what} within ${timeoutMs} ms:\n${tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    text: () => out,
    until,
    async match(re, timeoutMs, from = 0) {
      let m: RegExpMatchArray | null = null;
      await until((t) => (m = re.exec(t.slice(from))) !== null, `${re}`, timeoutMs);
      return m!;
    },
  };
}

/** Bounds a promise (a request to a server that may never answer). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no answer to ${what} within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        res(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        rej(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
