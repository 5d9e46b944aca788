// Preloaded into a zkts server under `node --expose-gc --require <this>` by the resource bench:
// on SIGUSR2 it runs two full garbage collections and prints one line with the process's memory
// (`ZKTS_BENCH_GC <n> {json}`, n counting the signals from 1),
// so the bench can read a settled heap and RSS (the Java side gets `jcmd <pid> GC.run`). The
// server itself installs no SIGUSR2 handler; without this file the signal would end the process.

// bench/resources/resources.ts looks for this prefix (not imported there: importing would install the handler).
const MARK = 'ZKTS_BENCH_GC ';

const gc = (globalThis as { gc?: () => void }).gc;
let seq = 0;

process.on('SIGUSR2', () => {
  seq++;
  if (gc === undefined) {
    process.stderr.write(`${MARK}${seq} ${JSON.stringify({ error: 'no gc(): start node with --expose-gc' })}\n`);
    return;
  }
  gc();
  gc();
  const m = process.memoryUsage();
  process.stderr.write(`${MARK}${seq} ${JSON.stringify({ heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}\n`);
});
export {};
