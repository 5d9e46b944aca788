// Txn-log throughput of Apache ZooKeeper's FileTxnLog with fsync, for bench/persistence/run.ts.
//
//   java -cp <zookeeper jars>:<classes> TxnLogBench <dir>
//
// Reads one command per line on stdin, "<case> <seconds>", runs it in a fresh subdirectory of
// <dir> and answers one line: RESULT {"case":...,"ops":...,"elapsedS":...,"fsyncs":...,"p50Ms":...,"p99Ms":...}
// (run.ts alternates these with the zkts cases, so disk drift hits both alike). Cases:
//   raw           100-byte RandomAccessFile write + FileChannel.force(false) (fdatasync), each
//                 write growing the file, as a disk check;
//   raw-prealloc  the same into a file first extended to 64 MiB by writing its last byte, as
//                 FileTxnLog's FilePadding does (the file size does not change per write);
//   1             append + commit per txn (one writer);
//   100           100 appends, then one commit: what SyncRequestProcessor's batching does with 100
//                 requests waiting (it flushes when its queue runs dry or 1000 txns are pending);
//   warmup        the 100 case, not reported (answers RESULT {"case":"warmup"}).
// Every txn is a 100-byte setData with a TxnDigest, the same txn zkts's bench appends.
// The latency of a txn is from the start of its append to the end of the commit that covers it.
// End of input ends the program.

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.RandomAccessFile;
import java.util.Arrays;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.persistence.FileTxnLog;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnDigest;
import org.apache.zookeeper.txn.TxnHeader;

public class TxnLogBench {
    private static final byte[] DATA = new byte[100];
    private static final long PREALLOC_BYTES = 64L * 1024 * 1024;

    static {
        Arrays.fill(DATA, (byte) 0x61);
    }

    /** Growable list of latencies in nanoseconds. */
    static final class Latencies {
        long[] v = new long[1 << 16];
        int n;

        void add(long ns) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = ns;
        }

        double percentileMs(double p) {
            if (n == 0) {
                return Double.NaN;
            }
            long[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            int i = Math.min(n - 1, (int) Math.floor(p / 100.0 * n));
            return s[i] / 1e6;
        }
    }

    static File freshDir(File base, String name) throws IOException {
        File d = new File(base, name);
        if (!d.mkdirs()) {
            throw new IOException("cannot create " + d);
        }
        return d;
    }

    static void deleteTree(File f) {
        File[] kids = f.listFiles();
        if (kids != null) {
            for (File k : kids) {
                deleteTree(k);
            }
        }
        f.delete();
    }

    static void report(String name, long ops, double elapsedS, long fsyncs, Latencies lat) {
        System.out.printf(
            "RESULT {\"case\":\"%s\",\"ops\":%d,\"elapsedS\":%.6f,\"fsyncs\":%d,\"p50Ms\":%.6f,\"p99Ms\":%.6f}%n",
            name, ops, elapsedS, fsyncs, lat.percentileMs(50), lat.percentileMs(99));
        System.out.flush();
    }

    static void raw(File base, double seconds, boolean prealloc) throws IOException {
        String name = prealloc ? "raw-prealloc" : "raw";
        File dir = freshDir(base, name);
        byte[] buf = new byte[100];
        Arrays.fill(buf, (byte) 0x62);
        Latencies lat = new Latencies();
        try (RandomAccessFile f = new RandomAccessFile(new File(dir, "raw"), "rw")) {
            if (prealloc) {
                f.seek(PREALLOC_BYTES - 1);
                f.write(0);
                f.getChannel().force(false);
                f.seek(0);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long ops = 0;
            long now = start;
            while (now < end) {
                long t0 = now;
                f.write(buf);
                f.getChannel().force(false);
                now = System.nanoTime();
                lat.add(now - t0);
                ops++;
            }
            report(name, ops, (now - start) / 1e9, ops, lat);
        } finally {
            deleteTree(dir);
        }
    }

    /** Appends groups of `group` txns, one commit (flush + fdatasync) per group, for `seconds`. */
    static void log(File base, int group, double seconds, boolean print) throws IOException {
        File dir = freshDir(base, "log-" + group + (print ? "" : "-warmup"));
        FileTxnLog log = new FileTxnLog(dir);
        Latencies lat = new Latencies();
        long[] appendStart = new long[group];
        long zxid = 0;
        long commits = 0;
        long ops = 0;
        try {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now = start;
            while (now < end) {
                for (int i = 0; i < group; i++) {
                    zxid++;
                    appendStart[i] = System.nanoTime();
                    TxnHeader hdr = new TxnHeader(0x1000001a2b3c0001L, (int) (zxid & 0x7fffffff), zxid, System.currentTimeMillis(), OpCode.setData);
                    SetDataTxn txn = new SetDataTxn("/bench/node", DATA, (int) (zxid & 0x7fffffff));
                    log.append(hdr, txn, new TxnDigest(2, zxid));
                }
                log.commit();
                commits++;
                now = System.nanoTime();
                for (int i = 0; i < group; i++) {
                    lat.add(now - appendStart[i]);
                }
                ops += group;
            }
            if (print) {
                report(String.valueOf(group), ops, (now - start) / 1e9, commits, lat);
            }
        } finally {
            log.close();
            deleteTree(dir);
        }
    }

    public static void main(String[] args) throws Exception {
        File base = new File(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.trim().split("\\s+");
            if (w.length != 2) {
                continue;
            }
            double seconds = Double.parseDouble(w[1]);
            switch (w[0]) {
                case "raw":
                    raw(base, seconds, false);
                    break;
                case "raw-prealloc":
                    raw(base, seconds, true);
                    break;
                case "warmup":
                    log(base, 100, seconds, false);
                    System.out.println("RESULT {\"case\":\"warmup\"}");
                    System.out.flush();
                    break;
                default:
                    log(base, Integer.parseInt(w[0]), seconds, true);
            }
        }
    }
}
