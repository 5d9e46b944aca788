// The benchmark scripts' flags: `--name value` pairs read from argv, numbers checked positive.

export interface BenchArgs {
  /** The value after `name`, if the flag is present. */
  val(name: string): string | undefined;
  /** A positive number after `name`, else `dflt`; anything else is an error naming the flag. */
  num(name: string, dflt: number): number;
}

export function benchArgs(argv: readonly string[]): BenchArgs {
  const val = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number): number => {
    const v = val(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} ${v}: not a positive number`);
    return n;
  };
  return { val, num };
}
