// Writes golden transaction logs with Apache ZooKeeper 3.8.0's own FileTxnLog (Debian jars).
//
// Each scenario gets a directory <out>/<scenario>/ holding the log.* files exactly as the reference
// wrote them, plus manifest.json: the preallocation and size-limit settings, every step the program
// took (append / commit / roll, in order) with the entry bytes the reference marshalled for each
// append, and the resulting files. zkts replays the same steps through its own writer and must
// produce the same bytes; its reader must find the same txns.
//
// The reference preallocates 64 MiB per log; the scenarios shrink that through
// FileTxnLog.setPreallocSize (bytes) so the fixtures stay small. Everything is deterministic: same
// jars, same output. Build/run: generate.sh next to this file.

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.Request;
import org.apache.zookeeper.server.persistence.FileTxnLog;
import org.apache.zookeeper.server.persistence.Util;
import org.apache.zookeeper.txn.*;

public class MakeTxnLogs {

    static final long SESSION_A = 0x1000001a2b3c0001L;
    static final long SESSION_B = 0x2000001a2b3c0002L;
    static final long TIME_BASE = 1_700_000_000_000L;

    static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    static final List<ACL> DIGEST_ACL = Arrays.asList(
        new ACL(ZooDefs.Perms.ALL, new Id("digest", "alice:3Qv1GQaNk3y4cQyX0ZBq2rH2mpo=")),
        new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));

    /** One scenario: a log directory being written plus the manifest describing it. */
    static final class Scenario {
        final String name;
        final File dir;
        final FileTxnLog log;
        final long preAllocSize;
        final long sizeLimit;
        final List<String> steps = new ArrayList<>();
        int cxid = 0;

        Scenario(File root, String name, long preAllocSize, long sizeLimit) throws IOException {
            this.name = name;
            this.dir = new File(root, name);
            Files.createDirectories(dir.toPath());
            this.preAllocSize = preAllocSize;
            this.sizeLimit = sizeLimit;
            // Both knobs are static in the reference; each scenario sets them before its first append.
            FileTxnLog.setPreallocSize(preAllocSize);
            FileTxnLog.setTxnLogSizeLimit(sizeLimit);
            this.log = new FileTxnLog(dir);
        }

        void append(long session, long zxid, int type, Record body, TxnDigest digest) throws IOException {
            TxnHeader hdr = new TxnHeader(session, ++cxid, zxid, TIME_BASE + (zxid & 0xffffff) * 7, type);
            byte[] entry = Util.marshallTxnEntry(hdr, body, digest);
            log.append(hdr, body, digest);
            String digestJson = digest == null
                ? "null"
                : "{\"version\":" + digest.getVersion() + ",\"treeDigest\":\"" + Long.toHexString(digest.getTreeDigest()) + "\"}";
            steps.add("{\"op\":\"append\",\"zxid\":\"" + Long.toHexString(zxid) + "\",\"type\":" + type
                + ",\"typeName\":\"" + Request.op2String(type) + "\",\"clientId\":\"" + Long.toHexString(session)
                + "\",\"cxid\":" + hdr.getCxid() + ",\"time\":\"" + hdr.getTime() + "\",\"digest\":" + digestJson
                + ",\"entry\":\"" + Base64.getEncoder().encodeToString(entry) + "\"}");
        }

        void commit() throws IOException {
            log.commit();
            steps.add("{\"op\":\"commit\"}");
        }

        void roll() throws IOException {
            log.rollLog();
            steps.add("{\"op\":\"roll\"}");
        }

        void finish() throws IOException {
            log.close();
            File[] files = dir.listFiles((d, n) -> n.startsWith("log."));
            Arrays.sort(files, (a, b) -> Long.compare(
                Util.getZxidFromName(a.getName(), "log"), Util.getZxidFromName(b.getName(), "log")));
            List<String> fileJson = new ArrayList<>();
            for (File f : files) {
                fileJson.add("{\"name\":\"" + f.getName() + "\",\"size\":" + f.length() + "}");
            }
            StringBuilder sb = new StringBuilder();
            sb.append("{\n  \"scenario\": \"").append(name).append("\",\n");
            sb.append("  \"preAllocSize\": ").append(preAllocSize).append(",\n");
            sb.append("  \"txnLogSizeLimit\": ").append(sizeLimit).append(",\n");
            sb.append("  \"files\": [\n    ").append(String.join(",\n    ", fileJson)).append("\n  ],\n");
            sb.append("  \"steps\": [\n    ").append(String.join(",\n    ", steps)).append("\n  ]\n}\n");
            Files.write(new File(dir, "manifest.json").toPath(), sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    static byte[] bytesOf(Record r) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        r.serialize(BinaryOutputArchive.getArchive(baos), "txn");
        return baos.toByteArray();
    }

    static TxnDigest digest(long zxid) {
        return new TxnDigest(2, 0x5eed0000L ^ (zxid * 0x9e3779b97f4a7c15L));
    }

    static long zxid(int epoch, int counter) {
        return ((long) epoch << 32) | (counter & 0xffffffffL);
    }

    /** Every txn type the reference logs, no digests, small commit groups, two rolls. */
    static void basic(File root) throws IOException {
        Scenario s = new Scenario(root, "basic", 16 * 1024, -1);

        s.append(SESSION_A, zxid(1, 1), ZooDefs.OpCode.createSession, new CreateSessionTxn(30000), null);
        s.commit();
        s.append(SESSION_A, zxid(1, 2), ZooDefs.OpCode.create, new CreateTxn("/a", utf8("hello"), OPEN, false, 1), null);
        s.commit();
        s.append(SESSION_A, zxid(1, 3), ZooDefs.OpCode.create2, new CreateTxn("/a/e1", utf8("eph"), OPEN, true, 1), null);
        s.commit();
        // One commit covering several appends.
        s.append(SESSION_A, zxid(1, 4), ZooDefs.OpCode.createContainer, new CreateContainerTxn("/c", new byte[0], OPEN, 2), null);
        s.append(SESSION_A, zxid(1, 5), ZooDefs.OpCode.createTTL, new CreateTTLTxn("/t", utf8("ttl"), OPEN, 3, 5000), null);
        s.append(SESSION_A, zxid(1, 6), ZooDefs.OpCode.setData, new SetDataTxn("/a", utf8("world"), 1), null);
        s.append(SESSION_A, zxid(1, 7), ZooDefs.OpCode.setACL, new SetACLTxn("/a", DIGEST_ACL, 1), null);
        s.append(SESSION_A, zxid(1, 8), ZooDefs.OpCode.delete, new DeleteTxn("/t"), null);
        s.append(SESSION_A, zxid(1, 9), ZooDefs.OpCode.deleteContainer, new DeleteTxn("/c"), null);
        s.commit();
        s.append(SESSION_A, zxid(1, 10), ZooDefs.OpCode.error, new ErrorTxn(-101), null);
        s.commit();
        List<Txn> ops = new ArrayList<>();
        ops.add(new Txn(ZooDefs.OpCode.create, bytesOf(new CreateTxn("/m", utf8("m"), OPEN, false, 4))));
        ops.add(new Txn(ZooDefs.OpCode.createContainer, bytesOf(new CreateContainerTxn("/m/c", null, OPEN, 1))));
        ops.add(new Txn(ZooDefs.OpCode.createTTL, bytesOf(new CreateTTLTxn("/m/t", null, OPEN, 2, 60000))));
        ops.add(new Txn(ZooDefs.OpCode.setData, bytesOf(new SetDataTxn("/m", utf8("mm"), 1))));
        ops.add(new Txn(ZooDefs.OpCode.check, bytesOf(new CheckVersionTxn("/a", 2))));
        ops.add(new Txn(ZooDefs.OpCode.delete, bytesOf(new DeleteTxn("/m/t"))));
        s.append(SESSION_A, zxid(1, 11), ZooDefs.OpCode.multi, new MultiTxn(ops), null);
        s.commit();
        // A failed multi is logged as a multi of error sub-txns.
        List<Txn> failed = new ArrayList<>();
        failed.add(new Txn(ZooDefs.OpCode.error, bytesOf(new ErrorTxn(0))));
        failed.add(new Txn(ZooDefs.OpCode.error, bytesOf(new ErrorTxn(-103))));
        failed.add(new Txn(ZooDefs.OpCode.error, bytesOf(new ErrorTxn(-2))));
        s.append(SESSION_A, zxid(1, 12), ZooDefs.OpCode.multi, new MultiTxn(failed), null);
        // A create in the pre-3.3 layout (no parentCVersion): readers must fall back to CreateTxnV0.
        s.append(SESSION_A, zxid(1, 13), ZooDefs.OpCode.create, new CreateTxnV0("/old", utf8("v0"), OPEN, false), null);
        s.commit();
        s.append(SESSION_A, zxid(1, 14), ZooDefs.OpCode.closeSession, new CloseSessionTxn(Collections.singletonList("/a/e1")), null);
        // A closeSession from before 3.6: no body at all.
        s.append(SESSION_B, zxid(1, 15), ZooDefs.OpCode.closeSession, null, null);
        s.commit();
        s.roll();

        // A new epoch, with digests; one large commit group that crosses the 8 KiB stream buffer and
        // the preallocation threshold several times.
        s.append(SESSION_B, zxid(2, 1), ZooDefs.OpCode.createSession, new CreateSessionTxn(4000), digest(zxid(2, 1)));
        s.commit();
        String config = "server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nversion=200000002";
        s.append(SESSION_B, zxid(2, 2), ZooDefs.OpCode.reconfig, new SetDataTxn("/zookeeper/config", utf8(config), -1), digest(zxid(2, 2)));
        s.append(SESSION_B, zxid(2, 3), ZooDefs.OpCode.error, new ErrorTxn(-110), null);
        s.append(SESSION_B, zxid(2, 4), ZooDefs.OpCode.create, new CreateTxn("/d", utf8("digest"), DIGEST_ACL, false, 5), digest(zxid(2, 4)));
        s.append(SESSION_B, zxid(2, 5), ZooDefs.OpCode.multi, new MultiTxn(ops), digest(zxid(2, 5)));
        s.append(SESSION_B, zxid(2, 6), ZooDefs.OpCode.createTTL, new CreateTTLTxn("/d/t", null, OPEN, 1, 86_400_000L), digest(zxid(2, 6)));
        s.commit();
        for (int i = 0; i < 100; i++) {
            String path = "/d/n" + (i % 10);
            s.append(SESSION_B, zxid(2, 7 + i), ZooDefs.OpCode.setData, new SetDataTxn(path, filled(100, (char) ('a' + i % 26)), i), digest(zxid(2, 7 + i)));
        }
        s.commit();
        s.append(SESSION_B, zxid(2, 107), ZooDefs.OpCode.delete, new DeleteTxn("/d/t"), digest(zxid(2, 107)));
        s.commit();
        s.roll();

        // Records larger than the stream buffer (written around it) and than the preallocation
        // (the file grows past its padded size), mixed with small ones in and out of groups.
        s.append(SESSION_B, zxid(2, 0x200), ZooDefs.OpCode.setData, new SetDataTxn("/big", filled(9000, 'x'), 1), digest(zxid(2, 0x200)));
        s.commit();
        s.append(SESSION_B, zxid(2, 0x201), ZooDefs.OpCode.setData, new SetDataTxn("/small", utf8("s"), 1), null);
        s.append(SESSION_B, zxid(2, 0x202), ZooDefs.OpCode.setData, new SetDataTxn("/huge", filled(20000, 'y'), 1), digest(zxid(2, 0x202)));
        s.append(SESSION_B, zxid(2, 0x203), ZooDefs.OpCode.setData, new SetDataTxn("/small", utf8("t"), 2), null);
        s.commit();
        for (int i = 0; i < 40; i++) {
            s.append(SESSION_B, zxid(2, 0x204 + i), ZooDefs.OpCode.setData, new SetDataTxn("/small", filled(150, 'z'), 3 + i), null);
            if (i % 7 == 6) {
                s.commit();
            }
        }
        s.commit();
        s.finish();
    }

    /** zookeeper.txnLogSizeLimitInKb: the reference rolls after a commit once the padded file is larger. */
    static void sizeLimit(File root) throws IOException {
        Scenario s = new Scenario(root, "size-limit", 4 * 1024, 10 * 1024);
        s.append(SESSION_A, zxid(3, 1), ZooDefs.OpCode.createSession, new CreateSessionTxn(10000), digest(zxid(3, 1)));
        s.commit();
        for (int i = 0; i < 90; i++) {
            long z = zxid(3, 2 + i);
            s.append(SESSION_A, z, ZooDefs.OpCode.setData, new SetDataTxn("/limit", filled(60 + i, 'q'), i), digest(z));
            if (i % 3 != 1) {
                s.commit();
            }
        }
        s.commit();
        s.finish();
        FileTxnLog.setTxnLogSizeLimit(-1);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: MakeTxnLogs <outdir>");
            System.exit(2);
        }
        File root = new File(args[0]);
        Files.createDirectories(root.toPath());
        basic(root);
        sizeLimit(root);
    }
}
