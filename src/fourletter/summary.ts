// The summary metric mntr's readlatency/updatelatency come from now lives with the other metrics
// (src/metrics/summary.ts); this name stays for code that imported it from here.

export { Summary } from '../metrics/summary';
