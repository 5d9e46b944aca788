// Drives one pure Zab machine from the shell: inputs are processed one at a time (an input that
// arrives while the outputs of another are being carried out waits its turn, so the machine is
// never re-entered and outputs run in order), and the machine's next wake-up is kept as one timer.

import { performance } from 'node:perf_hooks';

export interface SteppedMachine<I, O> {
  step(input: I): O[];
  nextWakeMs(): number | null;
}

export const monotonicNowMs = (): number => performance.now();

export class Stepper<I, O> {
  private readonly inbox: I[] = [];
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private stopped = false;

  constructor(
    private readonly machine: SteppedMachine<I, O>,
    /** Carries out one output. Exceptions stop nothing here: the caller decides (see `fail`). */
    private readonly execute: (o: O) => void,
    private readonly tickInput: (nowMs: number) => I,
    private readonly fail: (e: unknown) => void,
  ) {}

  /** Outputs the machine produced outside `step` (its start()). */
  run(outputs: readonly O[]): void {
    this.busy = true;
    try {
      for (const o of outputs) this.execute(o);
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
    this.pump();
  }

  input(i: I): void {
    if (this.stopped) return;
    this.inbox.push(i);
    if (!this.busy) this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.inbox.length = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = null;
  }

  private pump(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.inbox.length > 0 && !this.stopped) {
        const outputs = this.machine.step(this.inbox.shift()!);
        for (const o of outputs) this.execute(o);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const at = this.machine.nextWakeMs();
    if (at === this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === null) return;
    // Node may fire a timer up to a millisecond early; aim a millisecond late instead.
    const delay = Math.max(0, Math.ceil(at - monotonicNowMs()) + 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      this.input(this.tickInput(monotonicNowMs()));
    }, delay);
  }
}
