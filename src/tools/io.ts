// Where a tool's output goes: stdout and stderr of the process, or strings in tests. Output is
// batched so that dumping a large log or snapshot is not one write per line.

export interface ToolIO {
  out(text: string): void;
  err(text: string): void;
  /** Writes out what is batched (called before a tool returns). */
  flush(): void;
}

const BATCH_CHARS = 64 * 1024;

/** The process's own streams. */
export function processIO(): ToolIO {
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    process.stdout.write(pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    out(text) {
      pending.push(text);
      size += text.length;
      if (size >= BATCH_CHARS) flush();
    },
    err(text) {
      flush();
      process.stderr.write(text);
    },
    flush,
  };
}

/** Keeps everything (tests). */
export class CaptureIO implements ToolIO {
  stdout = '';
  stderr = '';
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
  flush(): void {}
}
