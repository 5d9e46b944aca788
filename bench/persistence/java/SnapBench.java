// Snapshot write/load time, file size and heap of Apache ZooKeeper's DataTree + FileSnap, for
// bench/persistence/run.ts. The compression comes from -Dzookeeper.snapshot.compression.method
// (read once by SnapStream when it loads), so run.ts starts one JVM per compression.
//
//   java -cp <zookeeper jars>:<classes> [-Dzookeeper.snapshot.compression.method=gz] SnapBench <dir> <warmupLeaves> <leaves,...> <reps,...>
//
// Tree: /bench, /bench/a<i> (empty data) and under each ~1000 leaves /bench/a<i>/n<j> of 100 bytes,
// created with DataTree.createNode, open ACL, no sessions; the same tree run.ts builds for zkts.
// Write = FileSnap.serialize(tree, sessions, file, fsync=true), <reps> times (one file each);
// load = FileSnap.deserialize of each file into a new DataTree. Both are timed with System.nanoTime
// inside the JVM, after one unreported warm-up pass at <warmupLeaves>; the medians are reported.
// Loads run with the built tree unreachable; after the last one System.gc() runs and the used heap
// (totalMemory - freeMemory) and the process RSS are reported.
// Prints one line per size: RESULT {...}; "OOM" and exit status 3 on OutOfMemoryError.

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileSnap;
import org.apache.zookeeper.server.persistence.SnapStream;
import org.apache.zookeeper.server.persistence.Util;

public class SnapBench {
    static final int FANOUT = 1000;
    static final long TIME0 = 1_700_000_000_000L;

    /** 100 bytes: "<k>:" then letters; the same bytes run.ts gives zkts's leaf k. */
    static byte[] leafData(long k) {
        byte[] b = new byte[100];
        byte[] prefix = (k + ":").getBytes(StandardCharsets.US_ASCII);
        for (int m = 0; m < 100; m++) {
            b[m] = m < prefix.length ? prefix[m] : (byte) ('a' + (int) ((k + m * 7L) % 26));
        }
        return b;
    }

    static DataTree build(long leaves) throws Exception {
        DataTree t = new DataTree();
        long zxid = 0;
        zxid++;
        t.createNode("/bench", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, zxid, TIME0 + zxid);
        long k = 0;
        for (long i = 0; k < leaves; i++) {
            String parent = "/bench/a" + i;
            zxid++;
            t.createNode(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, zxid, TIME0 + zxid);
            for (int j = 0; j < FANOUT && k < leaves; j++, k++) {
                zxid++;
                t.createNode(parent + "/n" + j, leafData(k), ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, -1, zxid, TIME0 + zxid);
            }
        }
        t.lastProcessedZxid = zxid;
        return t;
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

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    static double medianMs(long[] ns) {
        long[] s = ns.clone();
        java.util.Arrays.sort(s);
        int m = s.length / 2;
        return (s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0) / 1e6;
    }

    static void runCase(File base, long leaves, int reps, boolean print) throws Exception {
        File dir = new File(base, "snap-" + leaves + (print ? "" : "-warmup"));
        File[] dirs = new File[reps];
        try {
            long b0 = System.nanoTime();
            DataTree tree = build(leaves);
            long buildNs = System.nanoTime() - b0;
            int expected = tree.getNodeCount();
            long zxid = tree.lastProcessedZxid;

            long[] writeNs = new long[reps];
            long fileBytes = 0;
            for (int r = 0; r < reps; r++) {
                // One directory per file: deserialize loads the newest valid snapshot of its directory.
                dirs[r] = new File(dir, "rep" + r);
                if (!dirs[r].mkdirs()) {
                    throw new IOException("cannot create " + dirs[r]);
                }
                File file = new File(dirs[r], Util.makeSnapshotName(zxid));
                FileSnap snap = new FileSnap(dirs[r]);
                System.gc();
                long w0 = System.nanoTime();
                snap.serialize(tree, new HashMap<Long, Integer>(), file, true);
                writeNs[r] = System.nanoTime() - w0;
                fileBytes = file.length();
            }
            tree = null;

            long[] readNs = new long[reps];
            DataTree loaded = null;
            for (int r = 0; r < reps; r++) {
                loaded = null;
                System.gc();
                loaded = new DataTree();
                Map<Long, Integer> sessions = new HashMap<>();
                long r0 = System.nanoTime();
                long loadedZxid = new FileSnap(dirs[r]).deserialize(loaded, sessions);
                readNs[r] = System.nanoTime() - r0;
                if (loadedZxid != zxid || loaded.getNodeCount() != expected) {
                    throw new IllegalStateException("loaded zxid " + loadedZxid + " nodes " + loaded.getNodeCount() + ", expected " + zxid + " / " + expected);
                }
            }
            long heapUsed = usedHeapAfterGc();
            long rss = rssBytes();
            if (print) {
                System.out.printf(
                    "RESULT {\"leaves\":%d,\"nodes\":%d,\"compression\":\"%s\",\"reps\":%d,\"buildMs\":%.3f,\"writeMs\":%.3f,\"readMs\":%.3f,"
                        + "\"fileBytes\":%d,\"heapUsedAfterLoad\":%d,\"rssAfterLoad\":%d,\"maxHeap\":%d}%n",
                    leaves, expected, SnapStream.getStreamMode().getName(), reps, buildNs / 1e6, medianMs(writeNs), medianMs(readNs),
                    fileBytes, heapUsed, rss, Runtime.getRuntime().maxMemory());
                System.out.flush();
            }
            loaded = null;
        } finally {
            deleteTree(dir);
        }
    }

    public static void main(String[] args) throws Exception {
        File base = new File(args[0]);
        long warmup = Long.parseLong(args[1]);
        try {
            System.out.printf("BASELINE {\"heapUsed\":%d,\"rss\":%d,\"maxHeap\":%d}%n", usedHeapAfterGc(), rssBytes(), Runtime.getRuntime().maxMemory());
            String[] sizes = args[2].split(",");
            String[] reps = args[3].split(",");
            runCase(base, warmup, 1, false);
            for (int i = 0; i < sizes.length; i++) {
                runCase(base, Long.parseLong(sizes[i]), Integer.parseInt(reps[i]), true);
            }
        } catch (OutOfMemoryError e) {
            System.out.println("OOM " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
