// Apache Curator 5.4 (and the ZooKeeper 3.8 Java client under it) against a server:
//   java -cp <curator + zookeeper jars>:<classes> CuratorScenarios <host:port>
// Each scenario prints "PASS <name>" or "FAIL <name>: <reason>"; the test asserts the lines.
// Every wait is bounded; a watchdog ends the JVM if the whole run takes too long.

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.atomic.PromotedToLock;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

public class CuratorScenarios {
    interface Scenario {
        void run() throws Exception;
    }

    static String connectString;
    static final List<CuratorFramework> clients = Collections.synchronizedList(new ArrayList<>());
    static int failures = 0;

    static CuratorFramework client() throws Exception {
        return client(null);
    }

    static CuratorFramework client(String digest) throws Exception {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(10_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3));
        if (digest != null) {
            b = b.authorization("digest", digest.getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = b.build();
        clients.add(c);
        c.start();
        if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not connected within 20 s");
        }
        return c;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static void scenario(String name, Scenario body) {
        long start = System.nanoTime();
        try {
            body.run();
            System.out.println("PASS " + name + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
        } catch (Throwable t) {
            failures++;
            System.out.println("FAIL " + name + ": " + t);
            t.printStackTrace(System.out);
        }
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        connectString = args[0];
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(150_000);
                System.out.println("FAIL watchdog: the run took more than 150 s");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();

        scenario("crud", CuratorScenarios::crud);
        scenario("transactions", CuratorScenarios::transactions);
        scenario("ttl-and-containers", CuratorScenarios::ttlAndContainers);
        scenario("acl-and-auth", CuratorScenarios::aclAndAuth);
        scenario("zookeeper-api", CuratorScenarios::zookeeperApi);
        scenario("leader-latch", CuratorScenarios::leaderLatch);
        scenario("leader-selector", CuratorScenarios::leaderSelector);
        scenario("interprocess-mutex", CuratorScenarios::mutex);
        scenario("semaphore-v2", CuratorScenarios::semaphore);
        scenario("distributed-atomic-long", CuratorScenarios::atomicLong);
        scenario("curator-cache", CuratorScenarios::curatorCache);
        scenario("persistent-watcher", CuratorScenarios::persistentWatcher);

        for (CuratorFramework c : new ArrayList<>(clients)) {
            c.close();
        }
        System.out.println("DONE failures=" + failures);
        System.out.flush();
        System.exit(failures == 0 ? 0 : 1);
    }

    static void crud() throws Exception {
        CuratorFramework c = client();
        c.create().creatingParentsIfNeeded().forPath("/cur/crud/a/b", b("deep"));
        check("deep".equals(s(c.getData().forPath("/cur/crud/a/b"))), "getData after create with parents");
        Stat st = c.checkExists().forPath("/cur/crud/a");
        check(st != null && st.getNumChildren() == 1, "parent stat: " + st);
        Stat set = c.setData().withVersion(0).forPath("/cur/crud/a/b", b("v1"));
        check(set.getVersion() == 1, "version after setData");
        try {
            c.setData().withVersion(0).forPath("/cur/crud/a/b", b("stale"));
            check(false, "stale setData succeeded");
        } catch (KeeperException.BadVersionException expected) {
            // ok
        }
        String seq = c.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath("/cur/crud/s-", b(""));
        check(seq.matches("/cur/crud/s-\\d{10}"), "sequential name " + seq);
        List<String> kids = c.getChildren().forPath("/cur/crud");
        check(kids.size() == 2, "children " + kids);
        try {
            c.delete().forPath("/cur/crud");
            check(false, "deleted a node with children");
        } catch (KeeperException.NotEmptyException expected) {
            // ok
        }
        c.delete().deletingChildrenIfNeeded().forPath("/cur/crud");
        check(c.checkExists().forPath("/cur/crud") == null, "deleted tree still exists");
        String eph = c.create().creatingParentsIfNeeded().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/cur/eph/p-", b("x"));
        check(c.checkExists().forPath(eph).getEphemeralOwner() == c.getZookeeperClient().getZooKeeper().getSessionId(), "ephemeral owner");
    }

    static void transactions() throws Exception {
        CuratorFramework c = client();
        c.create().creatingParentsIfNeeded().forPath("/cur/tx", b("0"));
        CuratorOp create = c.transactionOp().create().forPath("/cur/tx/a", b("a"));
        CuratorOp set = c.transactionOp().setData().withVersion(0).forPath("/cur/tx", b("1"));
        CuratorOp checkOp = c.transactionOp().check().withVersion(0).forPath("/cur/tx/a");
        List<CuratorTransactionResult> results = c.transaction().forOperations(create, set, checkOp);
        check(results.size() == 3, "3 results");
        check(results.get(0).getType() == OperationType.CREATE && "/cur/tx/a".equals(results.get(0).getResultPath()), "create result");
        check(results.get(1).getType() == OperationType.SET_DATA && results.get(1).getResultStat().getVersion() == 1, "setData result");
        check(results.get(2).getType() == OperationType.CHECK, "check result");
        try {
            c.transaction().forOperations(
                c.transactionOp().create().forPath("/cur/tx/b", b("b")),
                c.transactionOp().delete().withVersion(7).forPath("/cur/tx/a"));
            check(false, "failing transaction succeeded");
        } catch (KeeperException.BadVersionException expected) {
            // ok
        }
        check(c.checkExists().forPath("/cur/tx/b") == null, "failed transaction left /cur/tx/b behind");
        check("1".equals(s(c.getData().forPath("/cur/tx"))), "data after transactions");
    }

    static void ttlAndContainers() throws Exception {
        CuratorFramework c = client();
        c.createContainers("/cur/ttl");
        c.create().withTtl(60_000).withMode(CreateMode.PERSISTENT_WITH_TTL).forPath("/cur/ttl/node", b("t"));
        Stat st = c.checkExists().forPath("/cur/ttl/node");
        check(st != null && st.getEphemeralOwner() == 0, "TTL node stat " + st);
        String seq = c.create().withTtl(60_000).withMode(CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL).forPath("/cur/ttl/seq-", b("s"));
        check(seq.startsWith("/cur/ttl/seq-"), "TTL sequential " + seq);
        c.createContainers("/cur/box/inner");
        check(c.checkExists().forPath("/cur/box/inner") != null, "createContainers");
        c.create().withMode(CreateMode.CONTAINER).forPath("/cur/box2", b(""));
        Stat box = c.checkExists().forPath("/cur/box2");
        check(box != null && box.getEphemeralOwner() == 0, "container stat " + box);
        try {
            c.create().withTtl(0).withMode(CreateMode.PERSISTENT_WITH_TTL).forPath("/cur/ttl/zero", b(""));
            check(false, "ttl 0 accepted");
        } catch (IllegalArgumentException | KeeperException.BadArgumentsException expected) {
            // ok: the client or the server refuses it
        }
    }

    static void aclAndAuth() throws Exception {
        CuratorFramework bob = client("bob:secret");
        CuratorFramework anon = client();
        List<ACL> acl = Arrays.asList(
            new ACL(ZooDefs.Perms.ALL, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")),
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        bob.create().creatingParentsIfNeeded().withACL(acl).forPath("/cur/acl/bob", b("bob"));
        check("bob".equals(s(anon.getData().forPath("/cur/acl/bob"))), "world can read");
        try {
            anon.setData().forPath("/cur/acl/bob", b("no"));
            check(false, "anonymous write allowed");
        } catch (KeeperException.NoAuthException expected) {
            // ok
        }
        bob.setData().forPath("/cur/acl/bob", b("yes"));
        List<ACL> got = bob.getACL().forPath("/cur/acl/bob");
        check(got.size() == 2 && got.get(0).getId().getId().equals("bob:fyVmFCwVbTJYrznoSu1koqYEYF0="), "getACL as bob " + got);
        List<ACL> masked = anon.getACL().forPath("/cur/acl/bob");
        check(masked.get(0).getId().getId().equals("bob:x"), "getACL masked for others " + masked);
        List<ClientInfo> who = bob.getZookeeperClient().getZooKeeper().whoAmI();
        check(who.stream().anyMatch(i -> "digest".equals(i.getAuthScheme()) && "bob".equals(i.getUser())), "whoAmI " + who);
    }

    static void zookeeperApi() throws Exception {
        CuratorFramework c = client();
        ZooKeeper zk = c.getZookeeperClient().getZooKeeper();
        zk.create("/cur-api", b("api"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat st = new Stat();
        zk.create("/cur-api/two", b("2"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, st);
        check(st.getCzxid() > 0 && st.getDataLength() == 1, "create2 stat " + st);
        zk.create("/cur-api/eph", b(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        check(zk.getEphemerals("/cur-api").contains("/cur-api/eph"), "getEphemerals");
        check(zk.getAllChildrenNumber("/cur-api") == 2, "getAllChildrenNumber");
        List<OpResult> reads = zk.multi(Arrays.asList(Op.getData("/cur-api"), Op.getChildren("/cur-api"), Op.getData("/cur-api/none")));
        check(reads.get(0) instanceof OpResult.GetDataResult && "api".equals(s(((OpResult.GetDataResult) reads.get(0)).getData())), "multiRead getData");
        check(reads.get(1) instanceof OpResult.GetChildrenResult && ((OpResult.GetChildrenResult) reads.get(1)).getChildren().size() == 2, "multiRead getChildren");
        check(reads.get(2) instanceof OpResult.ErrorResult, "multiRead error result " + reads.get(2));
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        Watcher w = events::add;
        zk.getData("/cur-api", w, null);
        zk.getChildren("/cur-api", w);
        zk.removeWatches("/cur-api", w, Watcher.WatcherType.Children, false);
        WatchedEvent removed = events.poll(10, TimeUnit.SECONDS);
        check(removed != null && removed.getType() == Watcher.Event.EventType.ChildWatchRemoved, "ChildWatchRemoved " + removed);
        zk.setData("/cur-api", b("changed"), -1);
        WatchedEvent changed = events.poll(10, TimeUnit.SECONDS);
        check(changed != null && changed.getType() == Watcher.Event.EventType.NodeDataChanged, "NodeDataChanged " + changed);
        try {
            zk.removeWatches("/cur-api", w, Watcher.WatcherType.Data, false);
            check(false, "removed a watch that had fired");
        } catch (KeeperException.NoWatcherException expected) {
            // ok
        }
        zk.addWatch("/cur-api", w, AddWatchMode.PERSISTENT);
        zk.create("/cur-api/three", b(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        WatchedEvent kids = events.poll(10, TimeUnit.SECONDS);
        check(kids != null && kids.getType() == Watcher.Event.EventType.NodeChildrenChanged, "persistent NodeChildrenChanged " + kids);
        CountDownLatch synced = new CountDownLatch(1);
        AtomicInteger syncRc = new AtomicInteger(99);
        zk.sync("/cur-api", (rc, path, ctx) -> {
            syncRc.set(rc);
            synced.countDown();
        }, null);
        check(synced.await(10, TimeUnit.SECONDS) && syncRc.get() == 0, "sync rc " + syncRc.get());
        byte[] config = zk.getConfig(false, new Stat());
        check(config != null, "getConfig");
        try {
            zk.create("/cur-api/eph/child", b(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            check(false, "child of an ephemeral");
        } catch (KeeperException.NoChildrenForEphemeralsException expected) {
            // ok
        }
    }

    static void leaderLatch() throws Exception {
        CuratorFramework c1 = client();
        CuratorFramework c2 = client();
        LeaderLatch l1 = new LeaderLatch(c1, "/cur/latch", "one");
        LeaderLatch l2 = new LeaderLatch(c2, "/cur/latch", "two");
        l1.start();
        l2.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!(l1.hasLeadership() || l2.hasLeadership()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        check(l1.hasLeadership() ^ l2.hasLeadership(), "exactly one leader: " + l1.hasLeadership() + " " + l2.hasLeadership());
        LeaderLatch leader = l1.hasLeadership() ? l1 : l2;
        LeaderLatch follower = leader == l1 ? l2 : l1;
        check(follower.getLeader().getId().equals(leader.getId()), "both see the same leader");
        check(leader.getParticipants().size() == 2, "participants " + leader.getParticipants());
        leader.close();
        check(follower.await(20, TimeUnit.SECONDS), "the follower took over");
        follower.close();
    }

    static void leaderSelector() throws Exception {
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger terms = new AtomicInteger();
        List<String> who = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch enough = new CountDownLatch(4);
        List<LeaderSelector> selectors = new ArrayList<>();
        for (String name : new String[] {"a", "b"}) {
            CuratorFramework c = client();
            LeaderSelector sel = new LeaderSelector(c, "/cur/selector", new LeaderSelectorListenerAdapter() {
                @Override
                public void takeLeadership(CuratorFramework cf) throws Exception {
                    int now = holders.incrementAndGet();
                    maxHolders.accumulateAndGet(now, Math::max);
                    who.add(name);
                    terms.incrementAndGet();
                    try {
                        Thread.sleep(100);
                    } finally {
                        holders.decrementAndGet();
                        enough.countDown();
                    }
                }
            });
            sel.setId(name);
            sel.autoRequeue();
            selectors.add(sel);
        }
        selectors.forEach(LeaderSelector::start);
        check(enough.await(30, TimeUnit.SECONDS), "4 terms within 30 s (had " + terms.get() + ")");
        selectors.forEach(LeaderSelector::close);
        check(maxHolders.get() == 1, "two leaders at once");
        check(who.contains("a") && who.contains("b"), "both led: " + who);
    }

    static void mutex() throws Exception {
        CuratorFramework c1 = client();
        CuratorFramework c2 = client();
        InterProcessMutex m1 = new InterProcessMutex(c1, "/cur/locks/m");
        InterProcessMutex m2 = new InterProcessMutex(c2, "/cur/locks/m");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            check(m1.acquire(10, TimeUnit.SECONDS), "first acquire");
            check(m1.acquire(10, TimeUnit.SECONDS), "re-entrant acquire");
            Future<Boolean> blocked = other.submit(() -> m2.acquire(300, TimeUnit.MILLISECONDS));
            check(!blocked.get(10, TimeUnit.SECONDS), "second client got a held lock");
            m1.release();
            Future<Boolean> stillBlocked = other.submit(() -> m2.acquire(300, TimeUnit.MILLISECONDS));
            check(!stillBlocked.get(10, TimeUnit.SECONDS), "lock free after one of two releases");
            Future<Boolean> waiting = other.submit(() -> m2.acquire(20, TimeUnit.SECONDS));
            m1.release();
            check(waiting.get(25, TimeUnit.SECONDS), "second client acquires after release");
            check(!m1.isAcquiredInThisProcess() || m2.isAcquiredInThisProcess(), "ownership");
            other.submit(() -> {
                m2.release();
                return null;
            }).get(10, TimeUnit.SECONDS);
            check(c1.getChildren().forPath("/cur/locks/m").isEmpty(), "lock nodes left behind");
        } finally {
            other.shutdownNow();
        }
    }

    static void semaphore() throws Exception {
        List<InterProcessSemaphoreV2> sems = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sems.add(new InterProcessSemaphoreV2(client(), "/cur/sem", 2));
        }
        Lease a = sems.get(0).acquire(10, TimeUnit.SECONDS);
        Lease b = sems.get(1).acquire(10, TimeUnit.SECONDS);
        check(a != null && b != null, "two leases");
        check(sems.get(2).acquire(300, TimeUnit.MILLISECONDS) == null, "a third lease beyond maxLeases");
        sems.get(0).returnLease(a);
        Lease c = sems.get(2).acquire(10, TimeUnit.SECONDS);
        check(c != null, "lease after return");
        check(sems.get(1).getParticipantNodes().size() == 2, "participants " + sems.get(1).getParticipantNodes());
        sems.get(1).returnLease(b);
        sems.get(2).returnLease(c);
    }

    static void atomicLong() throws Exception {
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CuratorFramework c = client();
                DistributedAtomicLong counter = new DistributedAtomicLong(c, "/cur/counter", new RetryNTimes(50, 5),
                    PromotedToLock.builder().lockPath("/cur/counter-lock").retryPolicy(new RetryNTimes(50, 20)).timeout(10, TimeUnit.SECONDS).build());
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        AtomicValue<Long> v = counter.increment();
                        if (v.succeeded()) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : results) {
                ok += f.get(60, TimeUnit.SECONDS);
            }
            DistributedAtomicLong reader = new DistributedAtomicLong(client(), "/cur/counter", new RetryNTimes(3, 10));
            long value = reader.get().postValue();
            check(value == ok, "counter " + value + " after " + ok + " successful increments");
            check(ok == threads * each, "all increments succeeded: " + ok);
            AtomicValue<Long> cas = reader.compareAndSet(value, 1000L);
            check(cas.succeeded() && reader.get().postValue() == 1000L, "compareAndSet");
            check(!reader.compareAndSet(value, 5L).succeeded(), "stale compareAndSet succeeded");
        } finally {
            pool.shutdownNow();
        }
    }

    static void curatorCache() throws Exception {
        CuratorFramework c = client();
        CuratorFramework writer = client();
        writer.create().creatingParentsIfNeeded().forPath("/cur/cache/pre", b("before"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(c, "/cur/cache");
        cache.listenable().addListener(CuratorCacheListener.builder()
            .forCreates(n -> events.add("create " + n.getPath() + " " + s(n.getData())))
            .forChanges((o, n) -> events.add("change " + n.getPath() + " " + s(n.getData())))
            .forDeletes(o -> events.add("delete " + o.getPath()))
            .forInitialized(initialized::countDown)
            .build());
        cache.start();
        try {
            check(initialized.await(20, TimeUnit.SECONDS), "cache initialized");
            List<String> initial = new ArrayList<>();
            events.drainTo(initial);
            check(initial.contains("create /cur/cache/pre before"), "initial events " + initial);
            // One write at a time, each awaited: the cache may coalesce changes it has not fetched yet.
            String[][] steps = {
                {"create", "/cur/cache/a", "1", "create /cur/cache/a 1"},
                {"set", "/cur/cache/a", "2", "change /cur/cache/a 2"},
                {"create", "/cur/cache/a/deep", "d", "create /cur/cache/a/deep d"},
                {"delete", "/cur/cache/pre", "", "delete /cur/cache/pre"},
            };
            for (String[] step : steps) {
                if (step[0].equals("create")) {
                    writer.create().forPath(step[1], b(step[2]));
                } else if (step[0].equals("set")) {
                    writer.setData().forPath(step[1], b(step[2]));
                } else {
                    writer.delete().forPath(step[1]);
                }
                String e = events.poll(20, TimeUnit.SECONDS);
                check(step[3].equals(e), "expected event '" + step[3] + "', got '" + e + "'");
            }
            ChildData a = cache.get("/cur/cache/a").orElse(null);
            check(a != null && "2".equals(s(a.getData())), "cached /cur/cache/a " + a);
            check(!cache.get("/cur/cache/pre").isPresent(), "deleted node still cached");
            check(cache.size() == 3, "cache size " + cache.size());
        } finally {
            cache.close();
        }
    }

    static void persistentWatcher() throws Exception {
        CuratorFramework c = client();
        CuratorFramework writer = client();
        writer.create().creatingParentsIfNeeded().forPath("/cur/pw", b(""));
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        CountDownLatch registered = new CountDownLatch(1);
        PersistentWatcher pw = new PersistentWatcher(c, "/cur/pw", true);
        pw.getListenable().addListener(events::add);
        pw.getResetListenable().addListener(registered::countDown);
        pw.start();
        try {
            check(registered.await(20, TimeUnit.SECONDS), "the persistent watch was registered");
            writer.create().forPath("/cur/pw/x", b("1"));
            writer.setData().forPath("/cur/pw/x", b("2"));
            writer.create().forPath("/cur/pw/x/y", b(""));
            writer.delete().forPath("/cur/pw/x/y");
            List<String> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (seen.size() < 4 && System.currentTimeMillis() < deadline) {
                WatchedEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null && e.getType() != Watcher.Event.EventType.None) {
                    seen.add(e.getType() + " " + e.getPath());
                }
            }
            List<String> expected = Arrays.asList("NodeCreated /cur/pw/x", "NodeDataChanged /cur/pw/x", "NodeCreated /cur/pw/x/y", "NodeDeleted /cur/pw/x/y");
            check(seen.equals(expected), "events " + seen);
        } finally {
            pw.close();
        }
    }
}
