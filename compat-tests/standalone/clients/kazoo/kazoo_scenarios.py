#!/usr/bin/python3
# kazoo (python3-kazoo 2.8) against a server:  kazoo_scenarios.py <host:port>
# Each scenario prints "PASS <name>" or "FAIL <name>: <reason>"; the test asserts the lines.
# Every wait is bounded; SIGALRM ends the run if it takes too long.

import logging
import os
import queue
import signal
import sys
import threading
import time
import traceback

from kazoo.client import KazooClient
from kazoo.exceptions import (
    BadVersionError,
    NoAuthError,
    NoChildrenForEphemeralsError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
    RolledBackError,
    RuntimeInconsistency,
)
from kazoo.security import make_digest_acl, OPEN_ACL_UNSAFE

HOSTS = sys.argv[1]
CLIENTS = []
FAILURES = []
WAIT = 10.0


def on_alarm(signum, frame):
    print("FAIL watchdog: the run took more than 120 s", flush=True)
    os._exit(3)


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(120)
logging.basicConfig(level=logging.CRITICAL)


def client(auth=None):
    c = KazooClient(hosts=HOSTS, timeout=10.0, auth_data=auth)
    c.start(timeout=20)
    CLIENTS.append(c)
    return c


def check(ok, what):
    if not ok:
        raise AssertionError(what)


def raises(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return True
    raise AssertionError("%s did not raise %s" % (getattr(fn, "__name__", fn), exc.__name__))


def scenario(fn):
    start = time.monotonic()
    try:
        fn()
        print("PASS %s (%d ms)" % (fn.__name__, (time.monotonic() - start) * 1000), flush=True)
    except Exception as e:  # noqa: BLE001 - report and go on
        FAILURES.append(fn.__name__)
        print("FAIL %s: %r" % (fn.__name__, e), flush=True)
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()


def crud():
    c = client()
    c.ensure_path("/kz/crud")
    c.create("/kz/crud/a/b", b"deep", makepath=True)
    data, stat = c.get("/kz/crud/a/b")
    check(data == b"deep" and stat.version == 0, "get %r %r" % (data, stat))
    path, stat = c.create("/kz/crud/c2", b"two", include_data=True)
    check(path == "/kz/crud/c2" and stat.data_length == 3, "create2 %r %r" % (path, stat))
    seq = c.create("/kz/crud/s-", b"", sequence=True)
    check(seq.startswith("/kz/crud/s-") and len(seq) == len("/kz/crud/s-") + 10, "sequential %s" % seq)
    eph = c.create("/kz/crud/e", b"", ephemeral=True)
    check(c.exists(eph).owner_session_id == c.client_id[0], "ephemeral owner")
    raises(NoChildrenForEphemeralsError, c.create, "/kz/crud/e/kid", b"")
    stat = c.set("/kz/crud/a/b", b"v1", version=0)
    check(stat.version == 1, "set version")
    raises(BadVersionError, c.set, "/kz/crud/a/b", b"v2", version=0)
    raises(NodeExistsError, c.create, "/kz/crud/a", b"")
    raises(NoNodeError, c.get, "/kz/nope")
    check(c.exists("/kz/nope") is None, "exists on a missing node")
    children, stat = c.get_children("/kz/crud", include_data=True)
    check(sorted(children) == sorted(["a", "c2", "e", seq.rsplit("/", 1)[1]]) and stat.children_count == 4,
          "get_children2 %r %r" % (children, stat))
    raises(NotEmptyError, c.delete, "/kz/crud/a")
    c.delete("/kz/crud/a", recursive=True)
    check(c.exists("/kz/crud/a") is None, "recursive delete")
    c.sync("/kz/crud")
    check(c.server_version()[:2] == (3, 8) or c.server_version()[0] >= 3, "server_version %r" % (c.server_version(),))
    check(c.command(b"ruok") == "imok", "ruok")


def transactions():
    c = client()
    c.ensure_path("/kz/tx")
    t = c.transaction()
    t.create("/kz/tx/a", b"a")
    t.check("/kz/tx", 0)
    t.set_data("/kz/tx", b"x", version=0)
    t.create("/kz/tx/seq-", b"", sequence=True)
    t.delete("/kz/tx/a")
    results = t.commit()
    check(results[0] == "/kz/tx/a" and results[1] is True and results[2].version == 1
          and results[3].startswith("/kz/tx/seq-") and results[4] is True, "results %r" % (results,))
    t = c.transaction()
    t.create("/kz/tx/b", b"")
    t.check("/kz/tx", 99)
    t.create("/kz/tx/c", b"")
    results = t.commit()
    check(isinstance(results[0], RolledBackError) and isinstance(results[1], BadVersionError)
          and isinstance(results[2], RuntimeInconsistency), "failed results %r" % (results,))
    check(c.exists("/kz/tx/b") is None, "rolled back create left a node")


def lock():
    a, b = client(), client()
    la, lb = a.Lock("/kz/lock", "a"), b.Lock("/kz/lock", "b")
    check(la.acquire(timeout=WAIT), "a acquires")
    check(not lb.acquire(blocking=False), "b acquired a held lock")
    got = []
    t = threading.Thread(target=lambda: got.append(lb.acquire(timeout=WAIT)))
    t.start()
    deadline = time.monotonic() + WAIT
    while len(la.contenders()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    check(la.contenders() == ["a", "b"], "contenders %r" % (la.contenders(),))
    la.release()
    t.join(WAIT)
    check(got == [True], "b acquires after release: %r" % (got,))
    lb.release()
    sem = [client().Semaphore("/kz/sem", "s%d" % i, max_leases=2) for i in range(3)]
    check(sem[0].acquire(timeout=WAIT) and sem[1].acquire(timeout=WAIT), "two leases")
    check(not sem[2].acquire(blocking=False), "a third lease")
    sem[0].release()
    check(sem[2].acquire(timeout=WAIT), "lease after release")
    check(sorted(sem[1].lease_holders()) == ["s1", "s2"], "holders %r" % (sem[1].lease_holders(),))
    sem[1].release()
    sem[2].release()


def election():
    leaders = []
    active = [0]
    overlap = [False]
    lock = threading.Lock()

    def lead(name):
        with lock:
            active[0] += 1
            overlap[0] = overlap[0] or active[0] > 1
            leaders.append(name)
        time.sleep(0.1)
        with lock:
            active[0] -= 1

    elections = [client().Election("/kz/election", name) for name in ("x", "y", "z")]
    threads = [threading.Thread(target=e.run, args=(lead, n)) for e, n in zip(elections, ("x", "y", "z"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    check(sorted(leaders) == ["x", "y", "z"], "every candidate led once: %r" % (leaders,))
    check(not overlap[0], "two leaders at once")


def counter():
    clients = [client() for _ in range(3)]
    counters = [c.Counter("/kz/counter") for c in clients]

    def bump(cnt):
        for _ in range(20):
            cnt += 1

    threads = [threading.Thread(target=bump, args=(cnt,)) for cnt in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    check(counters[0].value == 60, "counter %r" % (counters[0].value,))
    counters[1] -= 10
    check(counters[2].value == 50, "after -= %r" % (counters[2].value,))
    f = clients[0].Counter("/kz/fcounter", default=0.0)
    f += 2.5
    check(clients[1].Counter("/kz/fcounter", default=0.0).value == 2.5, "float counter")


def data_watch():
    w, m = client(), client()
    seen = queue.Queue()

    @w.DataWatch("/kz/dw")
    def on_change(data, stat, event):
        seen.put((data, stat.version if stat else None, event.type if event else None))

    check(seen.get(timeout=WAIT) == (None, None, None), "initial call for a missing node")
    m.create("/kz/dw", b"1", makepath=True)
    check(seen.get(timeout=WAIT) == (b"1", 0, "CREATED"), "after create")
    m.set("/kz/dw", b"2")
    check(seen.get(timeout=WAIT) == (b"2", 1, "CHANGED"), "after set")
    m.delete("/kz/dw")
    check(seen.get(timeout=WAIT) == (None, None, "DELETED"), "after delete")


def children_watch():
    w, m = client(), client()
    m.ensure_path("/kz/cw")
    seen = queue.Queue()

    @w.ChildrenWatch("/kz/cw")
    def on_children(children):
        seen.put(sorted(children))

    check(seen.get(timeout=WAIT) == [], "initial children")
    m.create("/kz/cw/a", b"")
    check(seen.get(timeout=WAIT) == ["a"], "after create a")
    m.create("/kz/cw/b", b"", ephemeral=True)
    check(seen.get(timeout=WAIT) == ["a", "b"], "after create b")
    m.delete("/kz/cw/a")
    check(seen.get(timeout=WAIT) == ["b"], "after delete a")
    m.set("/kz/cw/b", b"data changes do not fire child watches")
    m.create("/kz/cw/c", b"")
    check(seen.get(timeout=WAIT) == ["b", "c"], "after create c")


def acl_and_auth():
    bob = client(auth=[("digest", "bob:secret")])
    anon = client()
    acl = [make_digest_acl("bob", "secret", all=True), make_digest_acl("eve", "x", read=True)]
    bob.create("/kz/acl", b"bob", acl=acl, makepath=True)
    raises(NoAuthError, anon.get, "/kz/acl")
    raises(NoAuthError, anon.set, "/kz/acl", b"no")
    check(bob.get("/kz/acl")[0] == b"bob", "bob reads")
    acls, stat = bob.get_acls("/kz/acl")
    check(len(acls) == 2 and acls[0].id.id.startswith("bob:"), "acls %r" % (acls,))
    anon.add_auth("digest", "bob:secret")
    check(anon.get("/kz/acl")[0] == b"bob", "reads after add_auth")
    anon.set_acls("/kz/acl", OPEN_ACL_UNSAFE)
    check(client().get("/kz/acl")[0] == b"bob", "open after set_acls")


def queue_and_party():
    a, b = client(), client()
    q = a.LockingQueue("/kz/queue")
    q.put(b"one")
    q.put(b"two", priority=10)
    q.put(b"zero", priority=1)
    qb = b.LockingQueue("/kz/queue")
    got = []
    for _ in range(3):
        item = qb.get(timeout=WAIT)
        got.append(item)
        check(qb.consume(), "consume")
    check(got == [b"zero", b"two", b"one"], "queue order %r" % (got,))
    party = [c.Party("/kz/party", name) for c, name in ((a, "a"), (b, "b"))]
    for p in party:
        p.join()
    check(sorted(party[0]) == ["a", "b"] and len(party[1]) == 2, "party members %r" % (list(party[0]),))
    party[1].leave()
    check(list(party[0]) == ["a"], "after leave %r" % (list(party[0]),))


for s in (crud, transactions, lock, election, counter, data_watch, children_watch, acl_and_auth, queue_and_party):
    scenario(s)

for c in CLIENTS:
    try:
        c.stop()
        c.close()
    except Exception:  # noqa: BLE001
        pass
print("DONE failures=%d" % len(FAILURES), flush=True)
sys.exit(0 if not FAILURES else 1)
