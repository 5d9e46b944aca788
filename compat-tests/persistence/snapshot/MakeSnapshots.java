// Golden snapshot generator for zkts.
//
// Builds a small DataTree with Apache ZooKeeper 3.8.0's own classes (applying txns through
// DataTree.processTxn, so stats, cversions, the ACL cache and the digest are the reference's),
// writes it with FileSnap in every compression mode, and writes manifest.json describing each
// file and the content of each tree in the exact order the serializer emitted it (the same HashMap/HashSet walks the
// serializer does). Also a "verify" mode used by the compat tests: loads a snapshot directory with
// FileSnap.deserialize (which checks both seals and the digest section) and prints the nodes, and
// "verify-stream" which reads a SNAP sync stream as a learner does.
//
// Build/run: see generate.sh next to this file.

import java.io.File;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileSnap;
import org.apache.zookeeper.server.persistence.SnapStream;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;

public class MakeSnapshots {

    static final long EPOCH = 3L;
    static final long BASE_TIME = 1700000000000L;
    static long counter = 0;

    static long nextZxid() {
        counter++;
        return (EPOCH << 32) | counter;
    }

    static void apply(DataTree dt, long clientId, int type, Record txn) {
        long zxid = nextZxid();
        TxnHeader hdr = new TxnHeader(clientId, (int) counter, zxid, BASE_TIME + counter * 1000L, type);
        DataTree.ProcessTxnResult rc = dt.processTxn(hdr, txn);
        if (rc.err != 0) {
            throw new IllegalStateException("txn " + type + " on " + rc.path + " failed with " + rc.err);
        }
    }

    static List<ACL> acls(ACL... a) {
        return new ArrayList<>(Arrays.asList(a));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The tree every fixture holds, plus its sessions. */
    static DataTree buildTree(Map<Long, Integer> sessions) {
        DataTree dt = new DataTree();
        long[] ids = {0x1000a8b2c3d0001L, 0x200000000000002L, 0x0100000000000003L, 0xff00000000000004L, 0x7f12345678abcdefL};
        int[] timeouts = {30000, 4000, 40000, 10000, 6000};
        for (int i = 0; i < ids.length; i++) {
            sessions.put(ids[i], timeouts[i]);
            apply(dt, ids[i], ZooDefs.OpCode.createSession, new CreateSessionTxn(timeouts[i]));
        }
        long s1 = ids[0];
        long s2 = ids[1];

        List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        List<ACL> secure = acls(
            new ACL(ZooDefs.Perms.ALL, new Id("digest", "alice:XDkd2dsEuhc9ImU3q8pa8UOdtpI=")),
            new ACL(ZooDefs.Perms.READ, new Id("ip", "10.0.0.0/8")));
        List<ACL> readOnly = acls(new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));
        List<ACL> unicodeAcl = acls(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, new Id("digest", "\u00fcser:h\u00e4sh")));

        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app", utf8("hello"), open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app/config", utf8("{\"k\":1}"), open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app/empty", new byte[0], open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app/null", null, open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app/locks", null, open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/app/locks/lock-0000000000", utf8("s1"), open, true, -1));
        apply(dt, s2, ZooDefs.OpCode.create, new CreateTxn("/app/locks/lock-0000000001", utf8("s2"), open, true, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/secure", utf8("top secret"), secure, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/secure/child", new byte[] {0, 1, 2, (byte) 0xff}, readOnly, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/\u00fcn\u00efc\u00f8d\u00e9", utf8("caf\u00e9 \u2603"), unicodeAcl, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/\u00fcn\u00efc\u00f8d\u00e9/\u65e5\u672c\u8a9e", utf8("\u65e5\u672c"), open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.createContainer, new CreateContainerTxn("/container", utf8("c"), open, -1));
        apply(dt, s1, ZooDefs.OpCode.createTTL, new CreateTTLTxn("/ttl", utf8("t"), open, -1, 60000L));
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 33000; i++) {
            big.append("line ").append(i).append(" of a node larger than one snappy block\n");
        }
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/big", utf8(big.toString()), open, false, -1));
        apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn("/many", null, open, false, -1));
        for (int i = 0; i < 24; i++) {
            apply(dt, s1, ZooDefs.OpCode.create, new CreateTxn(String.format("/many/n%02d", i), utf8("v" + i), i % 3 == 0 ? readOnly : open, false, -1));
        }
        apply(dt, s1, ZooDefs.OpCode.delete, new DeleteTxn("/many/n05"));
        apply(dt, s1, ZooDefs.OpCode.setData, new SetDataTxn("/app", utf8("hello again"), 1));
        apply(dt, s1, ZooDefs.OpCode.setData, new SetDataTxn("/app/config", utf8("{\"k\":2}"), 1));
        apply(dt, s1, ZooDefs.OpCode.setACL, new SetACLTxn("/app/config", secure, 1));
        return dt;
    }

    // ---- manifest ----

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static String str(long v) {
        return "\"" + v + "\"";
    }

    static Object field(Object o, String name) throws Exception {
        Class<?> c = o.getClass();
        while (c != null) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                c = c.getSuperclass();
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** Nodes in the serializer's order: DataTree.serializeNode's walk over getChildren(). */
    static void walk(DataTree dt, String path, List<String> out) {
        DataNode node = dt.getNode(path);
        if (node == null) {
            return;
        }
        out.add(path);
        Set<String> children = node.getChildren();
        for (String child : children.toArray(new String[0])) {
            walk(dt, path + "/" + child, out);
        }
    }

    static String fileEntry(String name, File file, String tree, DataTree dt, boolean digest) throws Exception {
        byte[] bytes = Files.readAllBytes(file.toPath());
        String sha = hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        StringBuilder sb = new StringBuilder();
        sb.append("    {\"name\": ").append(json(name))
            .append(", \"file\": ").append(json(file.getParentFile().getName() + "/" + file.getName()))
            .append(", \"tree\": ").append(json(tree))
            .append(", \"bytes\": ").append(bytes.length)
            .append(", \"sha256\": ").append(json(sha))
            .append(", \"zxid\": ").append(str(dt.lastProcessedZxid))
            .append(", \"digest\": ");
        if (digest) {
            DataTree.ZxidDigest d = dt.getLastProcessedZxidDigest();
            long dz = d == null ? 0 : d.getZxid();
            int dv = d == null ? 2 : d.getDigestVersion();
            long dd = d == null ? 0 : d.getDigest();
            sb.append("{\"zxid\": ").append(str(dz)).append(", \"digestVersion\": ").append(dv)
                .append(", \"digest\": ").append(str(dd)).append("}");
        } else {
            sb.append("null");
        }
        return sb.append("}").toString();
    }

    /** Sessions, ACL cache and nodes, each in the order the serializer writes them. */
    @SuppressWarnings("unchecked")
    static String treeEntry(DataTree dt, Map<Long, Integer> sessions) throws Exception {
        StringBuilder sb = new StringBuilder();
        // Same copy the serializer iterates (SerializeUtils.serializeSnapshot).
        List<String> ss = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : new HashMap<Long, Integer>(sessions).entrySet()) {
            ss.add("[" + str(e.getKey()) + ", " + e.getValue() + "]");
        }
        sb.append("{\n      \"sessions\": [").append(String.join(", ", ss)).append("],\n");

        // Same copy ReferenceCountedACLCache.serialize iterates.
        Object cache = field(dt, "aclCache");
        Map<Long, List<ACL>> longKeyMap = (Map<Long, List<ACL>>) field(cache, "longKeyMap");
        List<String> es = new ArrayList<>();
        for (Map.Entry<Long, List<ACL>> e : new HashMap<Long, List<ACL>>(longKeyMap).entrySet()) {
            List<String> as = new ArrayList<>();
            for (ACL a : e.getValue()) {
                as.add("{\"perms\": " + a.getPerms() + ", \"scheme\": " + json(a.getId().getScheme()) + ", \"id\": " + json(a.getId().getId()) + "}");
            }
            es.add("        {\"index\": " + str(e.getKey()) + ", \"acls\": [" + String.join(", ", as) + "]}");
        }
        sb.append("      \"aclCache\": [\n").append(String.join(",\n", es)).append("\n      ],\n");

        List<String> paths = new ArrayList<>();
        walk(dt, "", paths);
        List<String> ns = new ArrayList<>();
        for (String p : paths) {
            DataNode n = dt.getNode(p);
            StatPersisted st = n.stat;
            byte[] data = n.getData();
            ns.add("        {\"path\": " + json(p)
                + ", \"data\": " + (data == null ? "null" : json(Base64.getEncoder().encodeToString(data)))
                + ", \"acl\": " + str((Long) field(n, "acl"))
                + ", \"stat\": {\"czxid\": " + str(st.getCzxid()) + ", \"mzxid\": " + str(st.getMzxid())
                + ", \"ctime\": " + str(st.getCtime()) + ", \"mtime\": " + str(st.getMtime())
                + ", \"version\": " + st.getVersion() + ", \"cversion\": " + st.getCversion()
                + ", \"aversion\": " + st.getAversion() + ", \"ephemeralOwner\": " + str(st.getEphemeralOwner())
                + ", \"pzxid\": " + str(st.getPzxid()) + "}}");
        }
        sb.append("      \"nodes\": [\n").append(String.join(",\n", ns)).append("\n      ]\n    }");
        return sb.toString();
    }

    static final Map<String, String> trees = new java.util.LinkedHashMap<>();

    static String write(File outDir, String name, SnapStream.StreamMode mode, boolean digest, boolean empty) throws Exception {
        File dir = new File(outDir, name);
        dir.mkdirs();
        counter = 0;
        Map<Long, Integer> sessions = new HashMap<>();
        DataTree dt = empty ? new DataTree() : buildTree(sessions);
        String tree = empty ? "empty" : "full";
        String treeJson = treeEntry(dt, sessions);
        if (trees.containsKey(tree) && !trees.get(tree).equals(treeJson)) {
            throw new IllegalStateException("tree " + tree + " is not deterministic");
        }
        trees.put(tree, treeJson);
        ZooKeeperServer.setDigestEnabled(digest);
        SnapStream.setStreamMode(mode);
        String fileName = "snapshot." + Long.toHexString(dt.lastProcessedZxid) + mode.getFileExtension();
        File f = new File(dir, fileName);
        new FileSnap(dir).serialize(dt, sessions, f, false);
        ZooKeeperServer.setDigestEnabled(true);
        SnapStream.setStreamMode(SnapStream.StreamMode.CHECKED);
        return fileEntry(name, f, tree, dt, digest);
    }

    static void generate(File outDir) throws Exception {
        outDir.mkdirs();
        List<String> files = new ArrayList<>();
        files.add(write(outDir, "plain", SnapStream.StreamMode.CHECKED, true, false));
        files.add(write(outDir, "gz", SnapStream.StreamMode.GZIP, true, false));
        files.add(write(outDir, "snappy", SnapStream.StreamMode.SNAPPY, true, false));
        files.add(write(outDir, "nodigest", SnapStream.StreamMode.CHECKED, false, false));
        files.add(write(outDir, "empty", SnapStream.StreamMode.CHECKED, true, true));
        List<String> ts = new ArrayList<>();
        for (Map.Entry<String, String> e : trees.entrySet()) {
            ts.add("    " + json(e.getKey()) + ": " + e.getValue());
        }
        String manifest = "{\n  \"files\": [\n" + String.join(",\n", files) + "\n  ],\n  \"trees\": {\n"
            + String.join(",\n", ts) + "\n  }\n}\n";
        Files.write(new File(outDir, "manifest.json").toPath(), manifest.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Loads the newest snapshot of `dir` as the server does (FileSnap.deserialize: both seals, the
     * digest section compared with the loaded tree) and prints what it holds. The digest section is
     * read a second time by hand, because a successful comparison leaves no other trace.
     */
    static void verify(File dir) throws Exception {
        DataTree dt = new DataTree();
        List<Long> mismatches = new ArrayList<>();
        dt.addDigestWatcher(mismatches::add);
        Map<Long, Integer> sessions = new HashMap<>();
        long zxid = new FileSnap(dir).deserialize(dt, sessions);
        if (zxid == -1) {
            throw new IllegalStateException("no snapshot in " + dir);
        }
        System.out.println("zxid " + Long.toHexString(zxid));
        System.out.println("sessions " + sessions.size());
        System.out.println("digest " + digestSection(dir, zxid));
        System.out.println("treeDigest " + dt.getTreeDigest());
        System.out.println("digestMismatches " + mismatches.size());
        List<String> paths = new ArrayList<>();
        walk(dt, "", paths);
        for (String p : paths) {
            DataNode n = dt.getNode(p);
            byte[] data = n.getData();
            System.out.println("node " + json(p) + " " + (data == null ? "null" : data.length) + " " + dt.getACL(n).size());
        }
    }

    static String digestSection(File dir, long zxid) throws Exception {
        File f = new File(dir, new FileSnap(dir).findMostRecentSnapshot().getName());
        java.lang.reflect.Method checkSeal = SnapStream.class.getDeclaredMethod(
            "checkSealIntegrity", java.util.zip.CheckedInputStream.class, org.apache.jute.InputArchive.class);
        checkSeal.setAccessible(true);
        try (java.util.zip.CheckedInputStream in = SnapStream.getInputStream(f)) {
            org.apache.jute.InputArchive ia = org.apache.jute.BinaryInputArchive.getArchive(in);
            DataTree dt = new DataTree();
            new FileSnap(dir).deserialize(dt, new HashMap<>(), ia);
            checkSeal.invoke(null, in, ia);
            if (!dt.deserializeZxidDigest(ia, zxid)) {
                return "none";
            }
            checkSeal.invoke(null, in, ia);
            DataTree.ZxidDigest d = dt.getDigestFromLoadedSnapshot();
            return d == null ? "empty" : Long.toHexString(d.getZxid()) + " " + d.getDigest();
        }
    }

    /** Reads a SNAP sync stream as a learner does (Learner.syncWithLeader) and prints what it holds. */
    static void verifyStream(File file) throws Exception {
        try (java.io.InputStream in = new java.io.BufferedInputStream(new java.io.FileInputStream(file))) {
            org.apache.jute.BinaryInputArchive ia = org.apache.jute.BinaryInputArchive.getArchive(in);
            DataTree dt = new DataTree();
            Map<Long, Integer> sessions = new HashMap<>();
            org.apache.zookeeper.server.util.SerializeUtils.deserializeSnapshot(dt, ia, sessions);
            String signature = ia.readString("signature");
            if (!"BenWasHere".equals(signature)) {
                throw new IllegalStateException("Missing signature. Got " + signature);
            }
            System.out.println("sessions " + sessions.size());
            System.out.println("treeDigest " + dt.getTreeDigest());
            List<String> paths = new ArrayList<>();
            walk(dt, "", paths);
            for (String p : paths) {
                System.out.println("node " + json(p));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("generate")) {
            generate(new File(args[1]));
        } else if (args.length == 2 && args[0].equals("verify")) {
            verify(new File(args[1]));
        } else if (args.length == 2 && args[0].equals("verify-stream")) {
            verifyStream(new File(args[1]));
        } else {
            System.err.println("usage: MakeSnapshots generate <outdir> | verify <snapdir> | verify-stream <file>");
            System.exit(2);
        }
    }
}
