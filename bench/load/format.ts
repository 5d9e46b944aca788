// Number formatting and the ratio summary shared by the bench tables (bench/run.ts, bench/resources).

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const fmt = (n: number, d = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '-';

/** Per-pair ratios as "median (min–max)", or the one value, or "-" when any is missing. */
export function ratio(xs: number[]): string {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 1 ? `${fmt(s[0]!, 2)}` : `${fmt(median(s), 2)} (${fmt(s[0]!, 2)}–${fmt(s[s.length - 1]!, 2)})`;
}
