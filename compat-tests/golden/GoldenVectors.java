// Golden-vector generator for zkts.
//
// Serializes records with Apache ZooKeeper 3.8.0's own classes (Debian jars)
// and writes, per fixture, <out>/<Record>/<case>.bin (exact wire bytes) and
// <out>/<Record>/<case>.json (the value that was serialized). See README.md.
//
// Build/run: see generate.sh next to this file.

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.MultiResponse;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.*;
import org.apache.zookeeper.proto.*;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ReferenceCountedACLCache;
import org.apache.zookeeper.server.persistence.FileHeader;
import org.apache.zookeeper.server.quorum.LearnerInfo;
import org.apache.zookeeper.server.quorum.QuorumAuthPacket;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.txn.*;

public class GoldenVectors {

    // ------------------------------------------------------------------
    // Shared sample values
    // ------------------------------------------------------------------

    static final String NON_ASCII_PATH = "/ключ/节点/é";
    static final String SUPPLEMENTARY_PATH = "/emoji-\uD83D\uDE00";

    static final int MIN = Integer.MIN_VALUE;
    static final int MAX = Integer.MAX_VALUE;
    static final long LMIN = Long.MIN_VALUE;
    static final long LMAX = Long.MAX_VALUE;

    /** ephemeralOwner marker for containers. */
    static final long CONTAINER_OWNER = 0x8000000000000000L;
    /** ephemeralOwner marker for a TTL node with ttl 60000 ms. */
    static final long TTL_OWNER = 0xFF00000000000000L | 60000L;

    static final Pattern CASE_NAME = Pattern.compile("[a-z0-9-]+");

    static Path outDir;
    static int fixtureCount = 0;
    static final TreeSet<String> recordNames = new TreeSet<>();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] seq(int n, int start) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i * 131 + 7) & 0xff);
        }
        return b;
    }

    static Id id(String scheme, String ident) {
        return new Id(scheme, ident);
    }

    static ACL acl(int perms, String scheme, String ident) {
        return new ACL(perms, new Id(scheme, ident));
    }

    static List<ACL> openAcl() {
        return list(acl(31, "world", "anyone"));
    }

    static List<ACL> multiAcl() {
        return list(
                acl(1, "digest", "user:tOtaLlyNotAHash0123456789="),
                acl(3, "ip", "10.0.0.0/8"),
                acl(31, "sasl", "пользователь@ПРИМЕР.РФ"),
                acl(0, "auth", ""));
    }

    @SafeVarargs
    static <T> List<T> list(T... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    static Stat stat() {
        return new Stat(
                0x100000002L, 0x100000007L, 1700000000123L, 1700000456789L,
                3, 5, 1, 0L, 11, 2, 0x100000009L);
    }

    static Stat statEphemeral() {
        return new Stat(
                0x200000001L, 0x200000001L, 1650000000000L, 1650000000000L,
                0, 0, 0, 0x1000001a2b3c4d5L, 0, 0, 0x200000001L);
    }

    static Stat statExtremes() {
        return new Stat(LMIN, LMAX, -1L, 0L, MIN, MAX, -1, CONTAINER_OWNER, MAX, MIN, TTL_OWNER);
    }

    static Stat statZero() {
        return new Stat(0L, 0L, 0L, 0L, 0, 0, 0, 0L, 0, 0, 0L);
    }

    static StatPersisted statPersisted() {
        return new StatPersisted(
                0x100000002L, 0x100000007L, 1700000000123L, 1700000456789L,
                3, 5, 1, 0L, 0x100000009L);
    }

    // ------------------------------------------------------------------
    // Serialization helpers
    // ------------------------------------------------------------------

    interface Writer {
        void write(BinaryOutputArchive oa) throws IOException;
    }

    static byte[] bytesOf(Writer w) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        BinaryOutputArchive oa = BinaryOutputArchive.getArchive(baos);
        w.write(oa);
        return baos.toByteArray();
    }

    /** Serializes one or more records back to back into one byte array. */
    static byte[] ser(Record... records) throws IOException {
        return bytesOf(oa -> {
            for (Record r : records) {
                r.serialize(oa, "r");
            }
        });
    }

    static BinaryInputArchive inputOf(byte[] b) {
        return BinaryInputArchive.getArchive(new ByteArrayInputStream(b));
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("self-check failed: " + what);
        }
    }

    // ------------------------------------------------------------------
    // Fixture emission
    // ------------------------------------------------------------------

    /** Emits a fixture for one generated jute record; the record name is its simple class name. */
    static void rec(String caseName, Record r) throws Exception {
        rec(caseName, r, false);
    }

    static void rec(String caseName, Record r, boolean encodeOnly) throws Exception {
        String name = r.getClass().getSimpleName();
        byte[] bin = ser(r);
        if (!encodeOnly) {
            // Round-trip through ZooKeeper's own reader as a sanity check.
            Record back = r.getClass().getDeclaredConstructor().newInstance();
            BinaryInputArchive ia = inputOf(bin);
            back.deserialize(ia, "r");
            check(Arrays.equals(ser(back), bin), name + "/" + caseName + " byte round-trip");
            check(json(back).equals(json(r)), name + "/" + caseName + " value round-trip");
        }
        emit(name, caseName, bin, r, encodeOnly);
    }

    static void emit(String record, String caseName, byte[] bin, Object value, boolean encodeOnly)
            throws IOException {
        check(CASE_NAME.matcher(caseName).matches(), "case name " + caseName);
        Path dir = outDir.resolve(record);
        Files.createDirectories(dir);
        Path binPath = dir.resolve(caseName + ".bin");
        Path jsonPath = dir.resolve(caseName + ".json");
        check(!Files.exists(binPath), "duplicate fixture " + record + "/" + caseName);

        LinkedHashMap<String, Object> top = new LinkedHashMap<>();
        top.put("record", record);
        top.put("case", caseName);
        top.put("value", value);
        if (encodeOnly) {
            top.put("encodeOnly", Boolean.TRUE);
        }
        Files.write(binPath, bin);
        Files.write(jsonPath, (json(top) + "\n").getBytes(StandardCharsets.US_ASCII));
        fixtureCount++;
        recordNames.add(record);
    }

    // ------------------------------------------------------------------
    // JSON writer (hand rolled; output is pure ASCII)
    // ------------------------------------------------------------------

    static String json(Object v) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, v, 0);
        return sb.toString();
    }

    static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append("  ");
        }
    }

    @SuppressWarnings("unchecked")
    static void writeJson(StringBuilder sb, Object v, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean) {
            sb.append(((Boolean) v) ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).intValue());
        } else if (v instanceof Long) {
            sb.append('"').append(((Long) v).longValue()).append('"');
        } else if (v instanceof String) {
            writeString(sb, (String) v);
        } else if (v instanceof byte[]) {
            writeJson(sb, bufferValue((byte[]) v), level);
        } else if (v instanceof List) {
            List<Object> items = (List<Object>) v;
            if (items.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < items.size(); i++) {
                indent(sb, level + 1);
                writeJson(sb, items.get(i), level + 1);
                sb.append(i + 1 < items.size() ? ",\n" : "\n");
            }
            indent(sb, level);
            sb.append(']');
        } else if (v instanceof Map) {
            Map<String, Object> m = (Map<String, Object>) v;
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<String, Object> e : m.entrySet()) {
                indent(sb, level + 1);
                writeString(sb, e.getKey());
                sb.append(": ");
                writeJson(sb, e.getValue(), level + 1);
                sb.append(++i < m.size() ? ",\n" : "\n");
            }
            indent(sb, level);
            sb.append('}');
        } else if (v instanceof Record) {
            writeJson(sb, fieldsOf(v), level);
        } else {
            throw new IllegalArgumentException("cannot encode " + v.getClass());
        }
    }

    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                sb.append("\\\"");
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    static Object bufferValue(byte[] b) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        if (b.length <= 4096) {
            m.put("hex", hex(b));
        } else {
            m.put("length", b.length);
            try {
                m.put("sha256", hex(MessageDigest.getInstance("SHA-256").digest(b)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** The declared instance fields of a record class, in declaration order. */
    static LinkedHashMap<String, Object> fieldsOf(Object r) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (Field f : r.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                continue;
            }
            try {
                f.setAccessible(true);
                m.put(f.getName(), f.get(r));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    // ------------------------------------------------------------------
    // Main
    // ------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        outDir = Paths.get(args.length > 0 ? args[0] : "compat-tests/golden/fixtures");
        Files.createDirectories(outDir);

        dataRecords();
        protoRecords();
        quorumAndPersistenceRecords();
        txnRecords();
        multiOperationRecords();
        multiResponses();
        dataNodes();
        aclCaches();
        zxidDigests();
        readOnlyHandshakes();

        System.out.println("wrote " + fixtureCount + " fixtures for " + recordNames.size()
                + " records into " + outDir);
    }

    // ------------------------------------------------------------------
    // org.apache.zookeeper.data
    // ------------------------------------------------------------------

    static void dataRecords() throws Exception {
        rec("typical", id("world", "anyone"));
        rec("nulls", id(null, null));
        rec("empty", id("", ""));
        rec("non-ascii", id("sasl", "пользователь@節點.例"));

        rec("typical", acl(31, "world", "anyone"));
        rec("digest", acl(1, "digest", "user:tOtaLlyNotAHash0123456789="));
        rec("extremes", acl(MIN, "ip", "10.0.0.0/8"));
        rec("negative", acl(-1, "auth", ""));

        rec("typical", stat());
        rec("ephemeral", statEphemeral());
        rec("extremes", statExtremes());
        rec("zeros", statZero());

        rec("typical", statPersisted());
        rec("container", new StatPersisted(1L, 1L, 1L, 1L, 0, 0, 0, CONTAINER_OWNER, 1L));
        rec("ttl", new StatPersisted(5L, 6L, 7L, 8L, 1, 2, 3, TTL_OWNER, 9L));
        rec("extremes", new StatPersisted(LMIN, LMAX, -1L, 0L, MIN, MAX, -1, -1L, LMIN));

        rec("typical", new ClientInfo("ip", "127.0.0.1"));
        rec("nulls", new ClientInfo(null, null));
        rec("non-ascii", new ClientInfo("sasl", "пользователь@ПРИМЕР.РФ"));
    }

    // ------------------------------------------------------------------
    // org.apache.zookeeper.proto
    // ------------------------------------------------------------------

    static void protoRecords() throws Exception {
        // Session handshake
        rec("typical", new ConnectRequest(0, 0L, 30000, 0L, new byte[16]));
        rec("reconnect", new ConnectRequest(0, 0x100000005L, 40000, 0x1000001a2b3c4d5L, seq(16, 0xa0)));
        rec("nulls", new ConnectRequest(0, 0L, 0, 0L, null));
        rec("extremes", new ConnectRequest(MIN, LMIN, MAX, LMAX, new byte[0]));

        rec("typical", new ConnectResponse(0, 30000, 0x1000001a2b3c4d5L, seq(16, 0x10)));
        rec("empty", new ConnectResponse(0, 0, 0L, new byte[0]));
        rec("extremes", new ConnectResponse(-1, MAX, -1L, null));

        rec("typical", new SetWatches(0x100000005L, list("/a", "/b/c"), list("/missing"), list("/")));
        rec("empty", new SetWatches(0L, list(), list(), list()));
        rec("nulls", new SetWatches(-1L, null, null, null));
        rec("non-ascii", new SetWatches(LMAX, list(NON_ASCII_PATH), list(), list(NON_ASCII_PATH, "/x")));

        rec("typical", new SetWatches2(0x100000005L, list("/a"), list("/b"), list("/c"),
                list("/p"), list("/r", "/r2")));
        rec("empty", new SetWatches2(0L, list(), list(), list(), list(), list()));
        rec("nulls", new SetWatches2(LMIN, null, null, null, null, null));

        // Request/response framing
        rec("typical", new RequestHeader(1, 4));
        rec("ping", new RequestHeader(-2, 11));
        rec("extremes", new RequestHeader(MIN, MAX));

        rec("typical", new MultiHeader(1, false, -1));
        rec("done", new MultiHeader(-1, true, -1));
        rec("error", new MultiHeader(-1, false, -101));

        rec("typical", new AuthPacket(0, "digest", utf8("user:secret")));
        rec("nulls", new AuthPacket(0, null, null));
        rec("empty", new AuthPacket(-1, "", new byte[0]));

        rec("typical", new ReplyHeader(1, 0x100000005L, 0));
        rec("notification", new ReplyHeader(-1, -1L, 0));
        rec("error", new ReplyHeader(7, 0x100000006L, -101));
        rec("extremes", new ReplyHeader(MIN, LMAX, MAX));

        // Reads and writes
        rec("typical", new GetDataRequest("/app/config", true));
        rec("non-ascii", new GetDataRequest(NON_ASCII_PATH, false));
        rec("nulls", new GetDataRequest(null, false));

        rec("typical", new SetDataRequest("/app/config", utf8("value=42"), 3));
        rec("1k", new SetDataRequest("/bench/node", pattern(1024), -1));
        rec("empty", new SetDataRequest("", new byte[0], 0));
        rec("nulls", new SetDataRequest(null, null, -1));

        rec("typical", new ReconfigRequest("server.4=10.0.0.4:2888:3888;2181", "3", null, -1L));
        rec("nulls", new ReconfigRequest(null, null, null, 0L));
        rec("extremes", new ReconfigRequest("", "", "server.1=h1:2888:3888;2181,server.2=h2:2888:3888;2181",
                0x100000000L));

        rec("typical", new SetDataResponse(stat()));
        rec("extremes", new SetDataResponse(statExtremes()));

        rec("typical", new GetSASLRequest(seq(32, 0x60)));
        rec("empty", new GetSASLRequest(new byte[0]));
        rec("nulls", new GetSASLRequest(null));

        rec("typical", new SetSASLRequest(utf8("challenge-response")));
        rec("nulls", new SetSASLRequest(null));

        rec("typical", new SetSASLResponse(seq(8, 0xf8)));
        rec("empty", new SetSASLResponse(new byte[0]));

        rec("typical", new CreateRequest("/app/node", utf8("hello"), openAcl(), 0));
        rec("non-ascii", new CreateRequest(NON_ASCII_PATH + "/seq-", utf8("данные"), multiAcl(), 3));
        rec("nulls", new CreateRequest(null, null, null, 0));
        rec("empty", new CreateRequest("", new byte[0], list(), MIN));

        rec("typical", new CreateTTLRequest("/ttl/node", utf8("t"), openAcl(), 5, 60000L));
        rec("extremes", new CreateTTLRequest("/ttl/seq-", new byte[0], multiAcl(), 6, LMAX));
        rec("nulls", new CreateTTLRequest(null, null, null, -1, -1L));

        rec("typical", new DeleteRequest("/app/node", 3));
        rec("any-version", new DeleteRequest("/app/node", -1));
        rec("non-ascii", new DeleteRequest(NON_ASCII_PATH, MAX));

        rec("typical", new GetChildrenRequest("/app", true));
        rec("root", new GetChildrenRequest("/", false));

        rec("typical", new GetAllChildrenNumberRequest("/app"));
        rec("nulls", new GetAllChildrenNumberRequest(null));

        rec("typical", new GetChildren2Request("/app", false));
        rec("non-ascii", new GetChildren2Request(NON_ASCII_PATH, true));

        rec("typical", new CheckVersionRequest("/app/node", 7));
        rec("extremes", new CheckVersionRequest("", MIN));

        rec("typical", new GetMaxChildrenRequest("/quota"));
        rec("nulls", new GetMaxChildrenRequest(null));

        rec("typical", new GetMaxChildrenResponse(100));
        rec("extremes", new GetMaxChildrenResponse(MIN));

        rec("typical", new SetMaxChildrenRequest("/quota", 100));
        rec("negative", new SetMaxChildrenRequest("/quota", -1));

        rec("typical", new SyncRequest("/app"));
        rec("non-ascii", new SyncRequest(NON_ASCII_PATH));
        rec("empty", new SyncRequest(""));
        rec("supplementary", new SyncRequest(SUPPLEMENTARY_PATH), true);

        rec("typical", new SyncResponse("/app"));
        rec("nulls", new SyncResponse(null));

        rec("typical", new GetACLRequest("/app/node"));
        rec("non-ascii", new GetACLRequest(NON_ASCII_PATH));

        rec("typical", new SetACLRequest("/app/node", multiAcl(), 2));
        rec("empty", new SetACLRequest("/app/node", list(), -1));
        rec("nulls", new SetACLRequest(null, null, 0));

        rec("typical", new SetACLResponse(stat()));
        rec("extremes", new SetACLResponse(statExtremes()));

        rec("persistent", new AddWatchRequest("/watched", 0));
        rec("recursive", new AddWatchRequest(NON_ASCII_PATH, 1));

        rec("node-created", new WatcherEvent(1, 3, "/app/new"));
        rec("session", new WatcherEvent(-1, -112, null));
        rec("non-ascii", new WatcherEvent(4, 3, NON_ASCII_PATH));

        rec("typical", new ErrorResponse(-101));
        rec("zero", new ErrorResponse(0));
        rec("extremes", new ErrorResponse(MIN));

        rec("typical", new CreateResponse("/app/node"));
        rec("sequential", new CreateResponse("/queue/item-0000000001"));
        rec("non-ascii", new CreateResponse(NON_ASCII_PATH));

        rec("typical", new Create2Response("/app/node", stat()));
        rec("nulls", new Create2Response(null, statZero()));

        rec("typical", new ExistsRequest("/app/node", true));
        rec("nulls", new ExistsRequest(null, false));

        rec("typical", new ExistsResponse(stat()));
        rec("zeros", new ExistsResponse(statZero()));

        rec("typical", new GetDataResponse(utf8("value=42"), stat()));
        rec("1mb", new GetDataResponse(pattern(1_000_000), stat()));
        rec("nulls", new GetDataResponse(null, statEphemeral()));
        rec("empty", new GetDataResponse(new byte[0], statZero()));

        rec("typical", new GetChildrenResponse(list("a", "b", "zookeeper")));
        rec("empty", new GetChildrenResponse(list()));
        rec("nulls", new GetChildrenResponse(null));
        rec("non-ascii", new GetChildrenResponse(list("ключ", "节点", "é")));

        rec("typical", new GetAllChildrenNumberResponse(42));
        rec("extremes", new GetAllChildrenNumberResponse(MAX));

        List<String> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(String.format("child-%04d", i));
        }
        rec("typical", new GetChildren2Response(list("x", "y"), stat()));
        rec("1000-children", new GetChildren2Response(thousand, stat()));
        rec("empty", new GetChildren2Response(list(), statZero()));

        rec("typical", new GetACLResponse(multiAcl(), stat()));
        rec("empty", new GetACLResponse(list(), statZero()));

        rec("typical", new CheckWatchesRequest("/app/node", 1));
        rec("any", new CheckWatchesRequest(NON_ASCII_PATH, 3));

        rec("typical", new RemoveWatchesRequest("/app/node", 2));
        rec("any", new RemoveWatchesRequest("/", 3));

        rec("typical", new GetEphemeralsRequest("/app"));
        rec("empty", new GetEphemeralsRequest(""));

        rec("typical", new GetEphemeralsResponse(list("/app/lock-1", "/app/member-2")));
        rec("empty", new GetEphemeralsResponse(list()));
        rec("nulls", new GetEphemeralsResponse(null));

        rec("typical", new WhoAmIResponse(list(new ClientInfo("ip", "127.0.0.1"),
                new ClientInfo("digest", "user"), new ClientInfo("sasl", "пользователь"))));
        rec("empty", new WhoAmIResponse(list()));
        rec("nulls", new WhoAmIResponse(null));
    }

    // ------------------------------------------------------------------
    // quorum + persistence
    // ------------------------------------------------------------------

    static void quorumAndPersistenceRecords() throws Exception {
        rec("typical", new LearnerInfo(1L, 0x10000, 0x100000000L));
        rec("extremes", new LearnerInfo(LMAX, MIN, -1L));

        byte[] proposal = ser(
                new TxnHeader(0x1000001a2b3c4d5L, 4, 0x100000005L, 1700000000123L, 1),
                new CreateTxn("/app/node", utf8("hello"), openAcl(), false, 2));
        rec("proposal", new QuorumPacket(2, 0x100000005L, proposal,
                list(id("digest", "user:hash="), id("ip", "10.0.0.1"), id("sasl", "пользователь"))));
        rec("ping", new QuorumPacket(5, 0x100000005L, null, null));
        rec("empty", new QuorumPacket(0, 0L, new byte[0], list()));

        rec("typical", new QuorumAuthPacket(0x4a4f4b4553L, 0, seq(24, 0x30)));
        rec("nulls", new QuorumAuthPacket(-1L, -1, null));

        rec("snapshot", new FileHeader(0x5a4b534e, 2, -1L));
        rec("txnlog", new FileHeader(0x5a4b4c47, 2, 0L));
    }

    // ------------------------------------------------------------------
    // org.apache.zookeeper.txn
    // ------------------------------------------------------------------

    static void txnRecords() throws Exception {
        rec("typical", new TxnDigest(2, 1371985504L));
        rec("extremes", new TxnDigest(MIN, LMIN));

        rec("typical", new TxnHeader(0x1000001a2b3c4d5L, 4, 0x100000005L, 1700000000123L, 1));
        rec("extremes", new TxnHeader(LMIN, MIN, LMAX, -1L, -1));

        rec("typical", new CreateTxnV0("/app/node", utf8("v0"), openAcl(), true));
        rec("nulls", new CreateTxnV0(null, null, null, false));

        rec("typical", new CreateTxn("/app/node", utf8("hello"), openAcl(), false, 2));
        rec("non-ascii", new CreateTxn(NON_ASCII_PATH, utf8("данные"), multiAcl(), true, MAX));
        rec("nulls", new CreateTxn(null, null, null, false, -1));

        rec("typical", new CreateTTLTxn("/ttl/node", utf8("t"), openAcl(), 1, 60000L));
        rec("extremes", new CreateTTLTxn("/ttl/x", new byte[0], list(), MIN, LMAX));

        rec("typical", new CreateContainerTxn("/container", new byte[0], openAcl(), 0));
        rec("nulls", new CreateContainerTxn(null, null, null, -1));

        rec("typical", new DeleteTxn("/app/node"));
        rec("non-ascii", new DeleteTxn(NON_ASCII_PATH));

        rec("typical", new SetDataTxn("/app/config", utf8("value=43"), 4));
        rec("empty", new SetDataTxn("/app/config", new byte[0], 0));
        rec("nulls", new SetDataTxn(null, null, -1));

        rec("typical", new CheckVersionTxn("/app/node", 3));
        rec("extremes", new CheckVersionTxn(NON_ASCII_PATH, MIN));

        rec("typical", new SetACLTxn("/app/node", multiAcl(), 1));
        rec("empty", new SetACLTxn("/app/node", list(), MAX));

        rec("typical", new SetMaxChildrenTxn("/quota", 10));
        rec("negative", new SetMaxChildrenTxn("/quota", -1));

        rec("typical", new CreateSessionTxn(30000));
        rec("extremes", new CreateSessionTxn(MIN));

        rec("typical", new CloseSessionTxn(list("/app/lock-1", "/app/member-2")));
        rec("empty", new CloseSessionTxn(list()));
        rec("nulls", new CloseSessionTxn(null));

        rec("typical", new ErrorTxn(-101));
        rec("zero", new ErrorTxn(0));

        rec("typical", new Txn(1, ser(new CreateTxn("/m/a", utf8("a"), openAcl(), false, 0))));
        rec("empty", new Txn(2, new byte[0]));

        rec("typical", new MultiTxn(list(
                new Txn(1, ser(new CreateTxn("/m/a", utf8("a"), openAcl(), false, 0))),
                new Txn(5, ser(new SetDataTxn("/m/b", utf8("b"), 1))),
                new Txn(2, ser(new DeleteTxn("/m/c"))),
                new Txn(13, ser(new CheckVersionTxn("/m/d", 4))),
                new Txn(21, ser(new CreateTTLTxn("/m/e", new byte[0], openAcl(), 1, 1000L))))));
        rec("failed", new MultiTxn(list(
                new Txn(-1, ser(new ErrorTxn(0))),
                new Txn(-1, ser(new ErrorTxn(-110))),
                new Txn(-1, ser(new ErrorTxn(-2))))));
        rec("empty", new MultiTxn(list()));
    }

    // ------------------------------------------------------------------
    // MultiOperationRecord (client multi request)
    // ------------------------------------------------------------------

    /** Op types for which MultiOperationRecord writes a request body. */
    static boolean opHasBody(int type) {
        switch (type) {
            case 1: case 2: case 4: case 5: case 8: case 13: case 15: case 19: case 21:
                return true;
            default:
                return false;
        }
    }

    static void multiOp(String caseName, List<Op> ops) throws Exception {
        MultiOperationRecord mor = new MultiOperationRecord(ops);
        byte[] bin = bytesOf(oa -> mor.serialize(oa, "request"));

        List<Object> items = new ArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryOutputArchive eoa = BinaryOutputArchive.getArchive(expected);
        for (Op op : mor) {
            MultiHeader h = new MultiHeader(op.getType(), false, -1);
            Record body = opHasBody(op.getType()) ? op.toRequestRecord() : null;
            h.serialize(eoa, "header");
            if (body != null) {
                body.serialize(eoa, "body");
            }
            LinkedHashMap<String, Object> item = new LinkedHashMap<>();
            item.put("header", h);
            item.put("body", body);
            items.add(item);
        }
        MultiHeader end = new MultiHeader(-1, true, -1);
        end.serialize(eoa, "header");
        // The JSON is derived independently of MultiOperationRecord: check it re-creates the bytes.
        check(Arrays.equals(expected.toByteArray(), bin), "MultiOperationRecord/" + caseName);

        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("items", items);
        value.put("end", end);
        emit("MultiOperationRecord", caseName, bin, value, false);
    }

    static void multiOperationRecords() throws Exception {
        multiOp("write", list(
                Op.create("/multi/p", utf8("p"), openAcl(), CreateMode.PERSISTENT),
                Op.create("/multi/e-", new byte[0], multiAcl(), CreateMode.EPHEMERAL_SEQUENTIAL),
                Op.create("/multi/c", null, openAcl(), CreateMode.CONTAINER),
                Op.create("/multi/ttl", utf8("t"), openAcl(), CreateMode.PERSISTENT_WITH_TTL, 60000L),
                Op.delete("/multi/old", -1),
                Op.setData(NON_ASCII_PATH, utf8("данные"), 7),
                Op.check("/multi", 2)));
        multiOp("read", list(
                Op.getChildren("/multi"),
                Op.getData("/multi/p"),
                Op.getData(NON_ASCII_PATH)));
        multiOp("empty", list());
    }

    // ------------------------------------------------------------------
    // MultiResponse
    // ------------------------------------------------------------------

    static Record resultBody(OpResult r) {
        switch (r.getType()) {
            case 1:
                return new CreateResponse(((OpResult.CreateResult) r).getPath());
            case 15: {
                OpResult.CreateResult c = (OpResult.CreateResult) r;
                return new Create2Response(c.getPath(), c.getStat());
            }
            case 5:
                return new SetDataResponse(((OpResult.SetDataResult) r).getStat());
            case 8:
                return new GetChildrenResponse(((OpResult.GetChildrenResult) r).getChildren());
            case 4: {
                OpResult.GetDataResult g = (OpResult.GetDataResult) r;
                return new GetDataResponse(g.getData(), g.getStat());
            }
            case -1:
                return new ErrorResponse(((OpResult.ErrorResult) r).getErr());
            case 2:
            case 13:
                return null;
            default:
                throw new IllegalArgumentException("unexpected result type " + r.getType());
        }
    }

    static void multiResp(String caseName, List<OpResult> results) throws Exception {
        MultiResponse mr = new MultiResponse();
        for (OpResult r : results) {
            mr.add(r);
        }
        byte[] bin = bytesOf(oa -> mr.serialize(oa, "response"));

        List<Object> items = new ArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryOutputArchive eoa = BinaryOutputArchive.getArchive(expected);
        for (OpResult r : mr) {
            int err = r.getType() == -1 ? ((OpResult.ErrorResult) r).getErr() : 0;
            MultiHeader h = new MultiHeader(r.getType(), false, err);
            Record body = resultBody(r);
            h.serialize(eoa, "header");
            if (body != null) {
                body.serialize(eoa, "body");
            }
            LinkedHashMap<String, Object> item = new LinkedHashMap<>();
            item.put("header", h);
            item.put("body", body);
            items.add(item);
        }
        MultiHeader end = new MultiHeader(-1, true, -1);
        end.serialize(eoa, "header");
        check(Arrays.equals(expected.toByteArray(), bin), "MultiResponse/" + caseName);

        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("items", items);
        value.put("end", end);
        emit("MultiResponse", caseName, bin, value, false);
    }

    static void multiResponses() throws Exception {
        OpResult create1 = new OpResult.CreateResult("/multi/p");
        OpResult create15 = new OpResult.CreateResult("/multi/e-0000000003", stat());
        check(create1.getType() == 1, "CreateResult(path) has type 1");
        check(create15.getType() == 15, "CreateResult(path, stat) has type 15");
        multiResp("typical", list(
                create1,
                create15,
                new OpResult.DeleteResult(),
                new OpResult.SetDataResult(stat()),
                new OpResult.CheckResult(),
                new OpResult.GetChildrenResult(list("a", "ключ")),
                new OpResult.GetDataResult(utf8("value=42"), statEphemeral()),
                new OpResult.ErrorResult(-101)));
        multiResp("failed", list(
                new OpResult.ErrorResult(0),
                new OpResult.ErrorResult(-110),
                new OpResult.ErrorResult(-2)));
        multiResp("empty", list());
    }

    // ------------------------------------------------------------------
    // DataNode (snapshot node record)
    // ------------------------------------------------------------------

    static void dataNode(String caseName, byte[] data, long acl, StatPersisted stat) throws Exception {
        DataNode node = new DataNode(data, acl, stat);
        byte[] bin = bytesOf(oa -> node.serialize(oa, "node"));
        check(Arrays.equals(bin, bytesOf(oa -> {
            oa.writeBuffer(data, "data");
            oa.writeLong(acl, "acl");
            stat.serialize(oa, "statpersisted");
        })), "DataNode/" + caseName);
        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("data", data);
        value.put("acl", acl);
        value.put("stat", stat);
        emit("DataNode", caseName, bin, value, false);
    }

    static void dataNodes() throws Exception {
        dataNode("typical", utf8("hello"), 1L, statPersisted());
        dataNode("nulls", null, -1L,
                new StatPersisted(0x200000001L, 0x200000001L, 1650000000000L, 1650000000000L,
                        0, 0, 0, 0x1000001a2b3c4d5L, 0x200000001L));
    }

    // ------------------------------------------------------------------
    // ReferenceCountedACLCache
    // ------------------------------------------------------------------

    static void aclCache(String caseName, List<List<ACL>> aclLists) throws Exception {
        ReferenceCountedACLCache cache = new ReferenceCountedACLCache();
        for (List<ACL> l : aclLists) {
            cache.convertAcls(l);
        }
        byte[] bin = bytesOf(oa -> cache.serialize(oa));

        // Decode our own bytes so the JSON lists entries in exactly the written order.
        ByteArrayInputStream in = new ByteArrayInputStream(bin);
        BinaryInputArchive ia = BinaryInputArchive.getArchive(in);
        int count = ia.readInt("map");
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long index = ia.readLong("long");
            int n = ia.readInt("acls");
            check(n >= 0, "AclCache vector length");
            List<Object> acls = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                ACL a = new ACL();
                a.deserialize(ia, "acl");
                acls.add(a);
            }
            check(acls.equals(new ArrayList<>(cache.convertLong(index))), "AclCache entry " + index);
            LinkedHashMap<String, Object> e = new LinkedHashMap<>();
            e.put("index", index);
            e.put("acls", acls);
            entries.add(e);
        }
        check(in.available() == 0, "AclCache/" + caseName + " fully decoded");
        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("entries", entries);
        emit("AclCache", caseName, bin, value, false);
    }

    static void aclCaches() throws Exception {
        aclCache("typical", list(
                openAcl(),
                list(acl(1, "digest", "user:tOtaLlyNotAHash0123456789="), acl(3, "ip", "10.0.0.0/8")),
                list(acl(31, "sasl", "пользователь@ПРИМЕР.РФ"), acl(1, "world", "anyone"))));
        aclCache("empty", Collections.emptyList());
    }

    // ------------------------------------------------------------------
    // DataTree.ZxidDigest (snapshot trailer digest)
    // ------------------------------------------------------------------

    static void zxidDigest(String caseName, DataTree tree, long zxid, int version, long digest)
            throws Exception {
        Class<?> cls = Class.forName("org.apache.zookeeper.server.DataTree$ZxidDigest");
        Constructor<?> ctor = cls.getDeclaredConstructor(DataTree.class, long.class, int.class, long.class);
        ctor.setAccessible(true);
        Object zd = ctor.newInstance(tree, zxid, version, digest);
        java.lang.reflect.Method serialize =
                cls.getMethod("serialize", org.apache.jute.OutputArchive.class);
        byte[] bin = bytesOf(oa -> {
            try {
                serialize.invoke(zd, oa);
            } catch (ReflectiveOperationException e) {
                throw new IOException(e);
            }
        });
        check(Arrays.equals(bin, bytesOf(oa -> {
            oa.writeLong(zxid, "zxid");
            oa.writeInt(version, "digestVersion");
            oa.writeLong(digest, "digest");
        })), "ZxidDigest/" + caseName);
        // Keys follow the wire order (the class declares digest before digestVersion).
        LinkedHashMap<String, Object> value = new LinkedHashMap<>();
        value.put("zxid", zxid);
        value.put("digestVersion", version);
        value.put("digest", digest);
        emit("ZxidDigest", caseName, bin, value, false);
    }

    static void zxidDigests() throws Exception {
        DataTree tree = new DataTree();
        zxidDigest("typical", tree, 0x100000005L, 2, 1371985504L);
        zxidDigest("zeros", tree, 0L, 2, 0L);
        zxidDigest("extremes", tree, LMAX, MIN, LMIN);
    }

    // ------------------------------------------------------------------
    // Handshake records followed by the trailing readOnly boolean
    // ------------------------------------------------------------------

    static void withReadOnly(String name, String caseName, Record r, boolean readOnly) throws Exception {
        byte[] bin = bytesOf(oa -> {
            r.serialize(oa, "connect");
            oa.writeBool(readOnly, "readOnly");
        });
        LinkedHashMap<String, Object> value = fieldsOf(r);
        value.put("readOnly", readOnly);
        emit(name, caseName, bin, value, false);
    }

    static void readOnlyHandshakes() throws Exception {
        withReadOnly("ConnectRequestReadOnly", "typical",
                new ConnectRequest(0, 0L, 30000, 0L, new byte[16]), false);
        withReadOnly("ConnectRequestReadOnly", "read-only",
                new ConnectRequest(0, 0x100000005L, 40000, 0x1000001a2b3c4d5L, seq(16, 0xa0)), true);
        withReadOnly("ConnectRequestReadOnly", "nulls", new ConnectRequest(0, 0L, 0, 0L, null), false);

        withReadOnly("ConnectResponseReadOnly", "typical",
                new ConnectResponse(0, 30000, 0x1000001a2b3c4d5L, seq(16, 0x10)), false);
        withReadOnly("ConnectResponseReadOnly", "read-only",
                new ConnectResponse(0, 40000, 0x1000001a2b3c4d6L, seq(16, 0x20)), true);
        withReadOnly("ConnectResponseReadOnly", "expired", new ConnectResponse(0, 0, 0L, new byte[16]), false);
    }
}
