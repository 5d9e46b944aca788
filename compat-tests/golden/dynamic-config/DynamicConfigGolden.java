// Produces the dynamic-config golden files with Apache ZooKeeper 3.8.0's own code: for each case
// directory (an input.cfg with @DIR@ standing for a scratch directory, and a myid), it runs
// QuorumPeerConfig.parse (which writes zoo.cfg.bak when reconfig is on), then the writes
// QuorumPeer.setQuorumVerifier(qv, true) and setLastSeenQuorumVerifier(qv, true) make, and stores
// what landed on disk with the scratch path put back to @DIR@. Run by generate.sh.

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.quorum.QuorumPeer.QuorumServer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.flexible.QuorumVerifier;

public class DynamicConfigGolden {
    public static void main(String[] args) throws Exception {
        Path caseDir = Path.of(args[0]);
        long version = Long.parseUnsignedLong(args[1], 16);
        Path scratch = Files.createTempDirectory("zkts-dyn-golden-").toRealPath();
        String dir = scratch.toString();
        String input = Files.readString(caseDir.resolve("input.cfg"), StandardCharsets.ISO_8859_1).replace("@DIR@", dir);
        Files.writeString(scratch.resolve("zoo.cfg"), input, StandardCharsets.ISO_8859_1);
        Files.writeString(scratch.resolve("myid"), Files.readString(caseDir.resolve("myid")));
        String cfg = scratch.resolve("zoo.cfg").toString();

        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parse(cfg);
        QuorumVerifier qv = config.getQuorumVerifier();
        qv.setVersion(version);
        QuorumServer me = qv.getAllMembers().get(config.getServerId());
        boolean erase = me != null && me.clientAddr != null && !me.isClientAddrFromStatic;

        QuorumPeerConfig.writeDynamicConfig(cfg + ".dynamic.next", qv, true);
        copyOut(scratch, cfg + ".dynamic.next", caseDir.resolve("expected.dynamic.next"), dir);
        String dyn = cfg + ".dynamic." + Long.toHexString(version);
        QuorumPeerConfig.writeDynamicConfig(dyn, qv, false);
        QuorumPeerConfig.editStaticConfig(cfg, dyn, erase);
        copyOut(scratch, dyn, caseDir.resolve("expected.dynamic"), dir);
        copyOut(scratch, cfg, caseDir.resolve("expected.cfg"), dir);
        File bak = new File(cfg + ".bak");
        if (bak.exists()) copyOut(scratch, bak.toString(), caseDir.resolve("expected.bak"), dir);
        else Files.deleteIfExists(caseDir.resolve("expected.bak"));
        for (File f : scratch.toFile().listFiles()) f.delete();
        scratch.toFile().delete();
    }

    private static void copyOut(Path scratch, String from, Path to, String dir) throws Exception {
        String text = new String(Files.readAllBytes(Path.of(from)), StandardCharsets.ISO_8859_1);
        Files.write(to, text.replace(dir, "@DIR@").getBytes(StandardCharsets.ISO_8859_1));
    }
}
