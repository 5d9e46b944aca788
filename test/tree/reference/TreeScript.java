// Runs a tree script (see test/tree/script.ts for the format) against Apache ZooKeeper's own
// org.apache.zookeeper.server.DataTree and prints what the TypeScript tests compare against.
//
// Usage (from the repo root): bash test/tree/reference/run.sh test/tree/reference/<name>.script
//
// Only the line format matters to the tests: each applied txn prints "r ..." (its result), then
// "d <tree digest>"; each "!" query prints one line starting with its own name.

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.txn.CheckVersionTxn;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

public class TreeScript {
    private static DataTree tree = new DataTree();

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("!")) {
                query(line.substring(1).split(" "));
            } else {
                apply(line);
            }
        }
    }

    // ---- txns: "<zxid> <time> <clientId> <op> args..." (numbers in hex for ids/zxids) ----

    private static void apply(String line) throws IOException {
        String[] t = line.split(" ");
        long zxid = Long.parseLong(t[0], 16);
        long time = Long.parseLong(t[1]);
        long client = Long.parseUnsignedLong(t[2], 16);
        String[] rest = Arrays.copyOfRange(t, 3, t.length);
        int type = opOf(rest[0]);
        Record rec;
        if (type == OpCode.multi) {
            List<Txn> subs = new ArrayList<>();
            for (String part : String.join(" ", Arrays.copyOfRange(rest, 1, rest.length)).split(" \\| ")) {
                String[] s = part.trim().split(" ");
                subs.add(new Txn(opOf(s[0]), bytes(record(s))));
            }
            rec = new MultiTxn(subs);
        } else {
            rec = record(rest);
        }
        TxnHeader hdr = new TxnHeader(client, 1, zxid, time, type);
        DataTree.ProcessTxnResult rc = tree.processTxn(hdr, rec, null);
        StringBuilder sb = new StringBuilder("r ").append(Long.toHexString(zxid)).append(' ').append(result(rc));
        if (rc.multiResult != null) {
            for (DataTree.ProcessTxnResult sub : rc.multiResult) {
                sb.append(" | ").append(sub.type).append(' ').append(result(sub));
            }
        }
        System.out.println(sb);
        System.out.println("d " + Long.toHexString(tree.getTreeDigest()));
    }

    private static String result(DataTree.ProcessTxnResult rc) {
        return "err=" + rc.err + " path=" + rc.path + " stat=" + (rc.stat == null ? "-" : stat(rc.stat));
    }

    private static int opOf(String name) {
        switch (name) {
        case "createSession": return OpCode.createSession;
        case "closeSession": return OpCode.closeSession;
        case "create": return OpCode.create;
        case "create2": return OpCode.create2;
        case "createContainer": return OpCode.createContainer;
        case "createTTL": return OpCode.createTTL;
        case "delete": return OpCode.delete;
        case "deleteContainer": return OpCode.deleteContainer;
        case "setData": return OpCode.setData;
        case "reconfig": return OpCode.reconfig;
        case "setACL": return OpCode.setACL;
        case "error": return OpCode.error;
        case "check": return OpCode.check;
        case "multi": return OpCode.multi;
        default: throw new IllegalArgumentException("unknown op " + name);
        }
    }

    private static Record record(String[] a) {
        switch (a[0]) {
        case "createSession":
            return new CreateSessionTxn(Integer.parseInt(a[1]));
        case "closeSession":
            if (a.length == 1) {
                return null;
            }
            List<String> paths = new ArrayList<>();
            if (!a[1].equals("[]")) {
                paths.addAll(Arrays.asList(a[1].split(",")));
            }
            return new CloseSessionTxn(paths);
        case "create":
        case "create2":
            return new CreateTxn(a[1], data(a[2]), acl(a[3]), a[4].equals("e"), Integer.parseInt(a[5]));
        case "createContainer":
            return new CreateContainerTxn(a[1], data(a[2]), acl(a[3]), Integer.parseInt(a[4]));
        case "createTTL":
            return new CreateTTLTxn(a[1], data(a[2]), acl(a[3]), Integer.parseInt(a[4]), Long.parseLong(a[5]));
        case "delete":
        case "deleteContainer":
            return new DeleteTxn(a[1]);
        case "setData":
        case "reconfig":
            return new SetDataTxn(a[1], data(a[2]), Integer.parseInt(a[3]));
        case "setACL":
            return new SetACLTxn(a[1], acl(a[2]), Integer.parseInt(a[3]));
        case "error":
            return new ErrorTxn(Integer.parseInt(a[1]));
        case "check":
            return new CheckVersionTxn(a[1], Integer.parseInt(a[2]));
        default:
            throw new IllegalArgumentException("unknown op " + a[0]);
        }
    }

    // "-" = null, "~" = empty, "c*N" = c repeated N times, else the UTF-8 text
    private static byte[] data(String s) {
        if (s.equals("-")) {
            return null;
        }
        if (s.equals("~")) {
            return new byte[0];
        }
        int star = s.indexOf('*');
        if (star == 1) {
            // "c*N": the char c repeated N times
            return new String(new char[Integer.parseInt(s.substring(2))]).replace('\0', s.charAt(0)).getBytes(StandardCharsets.UTF_8);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // "null" = null list, "[]" = empty list, else "scheme:id:perms" entries joined with ","
    private static List<ACL> acl(String s) {
        if (s.equals("null")) {
            return null;
        }
        List<ACL> out = new ArrayList<>();
        if (s.equals("[]")) {
            return out;
        }
        for (String e : s.split(",")) {
            int first = e.indexOf(':');
            int last = e.lastIndexOf(':');
            out.add(new ACL(Integer.parseInt(e.substring(last + 1)), new Id(e.substring(0, first), e.substring(first + 1, last))));
        }
        return out;
    }

    private static byte[] bytes(Record r) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        r.serialize(BinaryOutputArchive.getArchive(baos), "txn");
        return baos.toByteArray();
    }

    // ---- queries ----

    private static void query(String[] q) throws Exception {
        switch (q[0]) {
        case "stat": {
            DataNode n = tree.getNode(q[1]);
            if (n == null) {
                System.out.println("stat " + q[1] + " NONODE");
            } else {
                Stat s = new Stat();
                n.copyStat(s);
                System.out.println("stat " + q[1] + " " + stat(s));
            }
            break;
        }
        case "raw": {
            DataNode n = tree.getNode(q[1]);
            if (n == null) {
                System.out.println("raw " + q[1] + " NONODE");
            } else {
                org.apache.zookeeper.data.StatPersisted p = n.stat;
                System.out.println("raw " + q[1] + " " + Long.toHexString(p.getCzxid()) + "," + Long.toHexString(p.getMzxid())
                    + "," + p.getCtime() + "," + p.getMtime() + "," + p.getVersion() + "," + p.getCversion() + ","
                    + p.getAversion() + "," + Long.toHexString(p.getEphemeralOwner()) + "," + Long.toHexString(p.getPzxid()));
            }
            break;
        }
        case "data": {
            DataNode n = tree.getNode(q[1]);
            byte[] d = n == null ? null : n.getData();
            System.out.println("data " + q[1] + " " + (n == null ? "NONODE" : d == null ? "-" : "'" + new String(d, StandardCharsets.UTF_8) + "'"));
            break;
        }
        case "children": {
            DataNode n = tree.getNode(q[1]);
            List<String> c = n == null ? null : new ArrayList<>(n.getChildren());
            if (c != null) {
                Collections.sort(c);
            }
            System.out.println("children " + q[1] + " " + (c == null ? "NONODE" : String.join(",", c)));
            break;
        }
        case "acl": {
            DataNode n = tree.getNode(q[1]);
            if (n == null) {
                System.out.println("acl " + q[1] + " NONODE");
                break;
            }
            StringBuilder sb = new StringBuilder("acl " + q[1] + " ");
            for (ACL a : tree.getACL(n)) {
                sb.append(a.getId().getScheme()).append(':').append(a.getId().getId()).append(':').append(a.getPerms()).append(';');
            }
            System.out.println(sb);
            break;
        }
        case "aclidx": {
            DataNode n = tree.getNode(q[1]);
            java.lang.reflect.Field f = DataNode.class.getDeclaredField("acl");
            f.setAccessible(true);
            System.out.println("aclidx " + q[1] + " " + (n == null ? "NONODE" : f.get(n)));
            break;
        }
        case "aclcache": {
            Object cache = tree.getReferenceCountedAclCache();
            java.lang.reflect.Field lk = cache.getClass().getDeclaredField("longKeyMap");
            java.lang.reflect.Field rc = cache.getClass().getDeclaredField("referenceCounter");
            lk.setAccessible(true);
            rc.setAccessible(true);
            java.util.Map<?, ?> byIndex = (java.util.Map<?, ?>) lk.get(cache);
            java.util.Map<?, ?> counts = (java.util.Map<?, ?>) rc.get(cache);
            java.util.TreeMap<Long, String> out = new java.util.TreeMap<>();
            for (java.util.Map.Entry<?, ?> e : byIndex.entrySet()) {
                StringBuilder sb = new StringBuilder();
                for (Object o : (List<?>) e.getValue()) {
                    ACL a = (ACL) o;
                    sb.append(a.getId().getScheme()).append(':').append(a.getId().getId()).append(':').append(a.getPerms()).append(';');
                }
                Object c = counts.get(e.getKey());
                out.put((Long) e.getKey(), sb + "x" + (c == null ? "null" : c.toString()));
            }
            StringBuilder line = new StringBuilder("aclcache");
            for (java.util.Map.Entry<Long, String> e : out.entrySet()) {
                line.append(' ').append(e.getKey()).append('=').append(e.getValue());
            }
            System.out.println(line);
            break;
        }
        case "counts":
            System.out.println("counts nodes=" + tree.getNodeCount() + " size=" + tree.cachedApproximateDataSize()
                + " fullsize=" + tree.approximateDataSize() + " acls=" + tree.aclCacheSize()
                + " ephemerals=" + tree.getEphemeralsCount() + " containers=" + sorted(tree.getContainers())
                + " ttls=" + sorted(tree.getTtls()) + " all=" + tree.getAllChildrenNumber("/")
                + " lastZxid=" + Long.toHexString(tree.lastProcessedZxid));
            break;
        case "eph":
            System.out.println("eph " + q[1] + " " + sorted(tree.getEphemerals(Long.parseUnsignedLong(q[1], 16))));
            break;
        case "allchildren":
            System.out.println("allchildren " + q[1] + " " + tree.getAllChildrenNumber(q[1]));
            break;
        case "ext":
            System.setProperty("zookeeper.extendedTypesEnabled", q[1].equals("on") ? "true" : "false");
            System.out.println("ext " + q[1]);
            break;
        case "roundtrip": {
            ByteArrayOutputStream baos = new ByteArrayOutputStream();
            tree.serialize(BinaryOutputArchive.getArchive(baos), "tree");
            DataTree loaded = new DataTree();
            loaded.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(baos.toByteArray())), "tree");
            loaded.lastProcessedZxid = tree.lastProcessedZxid;
            tree = loaded;
            System.out.println("roundtrip d " + Long.toHexString(tree.getTreeDigest()) + " acls=" + tree.aclCacheSize());
            break;
        }
        case "digest":
            System.out.println("digest " + Long.toHexString(tree.getTreeDigest()));
            break;
        default:
            throw new IllegalArgumentException("unknown query " + q[0]);
        }
    }

    private static String sorted(java.util.Collection<String> c) {
        List<String> l = new ArrayList<>(c);
        Collections.sort(l);
        return "[" + String.join(",", l) + "]";
    }

    private static String stat(Stat s) {
        return Long.toHexString(s.getCzxid()) + "," + Long.toHexString(s.getMzxid()) + "," + s.getCtime() + "," + s.getMtime()
            + "," + s.getVersion() + "," + s.getCversion() + "," + s.getAversion() + "," + Long.toHexString(s.getEphemeralOwner())
            + "," + s.getDataLength() + "," + s.getNumChildren() + "," + Long.toHexString(s.getPzxid());
    }
}
