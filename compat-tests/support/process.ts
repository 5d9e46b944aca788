// Stopping the server processes the compatibility tests start: always by their own child handle
// (so by pid), always with a bounded wait.

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
