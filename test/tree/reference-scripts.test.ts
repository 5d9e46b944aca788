// Each script in test/tree/reference/ runs against our DataTree and must print exactly what
// Apache ZooKeeper 3.8.0's own DataTree printed for it. The expected lines below were produced by
// test/tree/reference/TreeScript.java (`bash test/tree/reference/run.sh <script>`, Debian's
// zookeeper 3.8.0 jars, LANG=C.UTF-8) and pasted verbatim; regenerate them the same way if a script changes.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'ava';
import { runScript } from './script';

const scriptsDir = resolve(__dirname, '..', '..', '..', 'test', 'tree', 'reference');

function check(name: string, expected: string): void {
  test(`reference script ${name}`, (t) => {
    const { lines } = runScript(readFileSync(join(scriptsDir, `${name}.script`), 'utf8'));
    t.deepEqual(lines, expected.trim().split('\n'));
  });
}

// sessions, sequential cversion, create2 stats, setData/setACL, delete, closeSession, counts
check(
  'basic',
  `
digest 51c6d660
counts nodes=5 size=44 fullsize=44 acls=1 ephemerals=0 containers=[] ttls=[] all=3 lastZxid=0
stat / 0,0,0,0,0,-1,0,0,0,1,0
stat /zookeeper 0,0,0,0,0,-2,0,0,0,2,0
raw /zookeeper/config 0,0,0,0,0,0,-1,0,0
acl /zookeeper/config world:anyone:1;
acl / world:anyone:31;
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/a stat=-
d 99fe29ae
r 3 err=0 path=/a/e1 stat=-
d a57db6ce
r 4 err=0 path=/a/c stat=4,4,1003,1003,0,0,0,0,0,0,4
d 213932a86
r 5 err=0 path=/a/s-0000000003 stat=5,5,1004,1004,0,0,0,0,0,0,5
d 294ceedea
stat /a 2,2,1001,1001,0,3,0,0,5,3,5
raw /a 2,2,1001,1001,0,3,0,0,5
stat /a/e1 3,3,1002,1002,0,0,0,100,1,0,3
counts nodes=9 size=76 fullsize=76 acls=3 ephemerals=1 containers=[] ttls=[] all=7 lastZxid=5
r 6 err=0 path=/a stat=2,6,1001,1005,1,3,0,0,5,3,5
d 2333bc67b
r 7 err=0 path=/a/c stat=4,4,1003,1003,0,0,1,0,0,0,4
d 24244ba38
acl /a/c world:anyone:31;
counts nodes=9 size=76 fullsize=76 acls=2 ephemerals=1 containers=[] ttls=[] all=7 lastZxid=7
r 8 err=0 path=/a/c stat=4,4,1003,1003,0,0,2,0,0,0,4
d 218c99df5
counts nodes=9 size=76 fullsize=76 acls=2 ephemerals=1 containers=[] ttls=[] all=7 lastZxid=8
r 9 err=0 path=/a/c stat=-
d 1dd11d375
stat /a 2,6,1001,1005,1,4,0,0,5,2,9
raw /a 2,6,1001,1005,1,3,0,0,9
r 10 err=0 path=null stat=-
d 1dd11d375
r 11 err=0 path=/a/e2 stat=-
d 14e87175f
r 12 err=0 path=/e3 stat=-
d 3179164a7
eph 200 [/a/e2,/e3]
eph 100 [/a/e1]
counts nodes=10 size=82 fullsize=82 acls=2 ephemerals=3 containers=[] ttls=[] all=8 lastZxid=12
r 13 err=0 path=null stat=-
d 23cf7107d
eph 200 []
stat /a 2,6,1001,1005,1,6,0,0,5,2,13
children /a e1,s-0000000003
children / a,zookeeper
r 14 err=0 path=null stat=-
d 1c86825d0
eph 100 []
children /a s-0000000003
counts nodes=7 size=66 fullsize=66 acls=2 ephemerals=0 containers=[] ttls=[] all=5 lastZxid=14
allchildren /a 1
allchildren /zookeeper 2
allchildren / 5
roundtrip d 1c86825d0 acls=2
counts nodes=7 size=66 fullsize=66 acls=2 ephemerals=0 containers=[] ttls=[] all=5 lastZxid=14
stat /a 2,6,1001,1005,1,7,0,0,5,1,14
`,
);

// containers and TTL nodes (extended types on): stored owners, client masking, indexes
check(
  'extended',
  `
ext on
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/ctr stat=2,2,2001,2001,0,0,0,0,5,0,2
d d91384bc
r 3 err=0 path=/ttl stat=3,3,2002,2002,0,0,0,0,5,0,3
d 1ba68ceb7
r 4 err=0 path=/ctr/child stat=4,4,2003,2003,0,0,0,0,0,0,4
d 2bdce3b2c
r 5 err=0 path=/ctr/eph stat=-
d 32688ed26
stat /ctr 2,2,2001,2001,0,2,0,0,5,2,5
raw /ctr 2,2,2001,2001,0,2,0,8000000000000000,5
stat /ttl 3,3,2002,2002,0,0,0,0,5,0,3
raw /ttl 3,3,2002,2002,0,0,0,ff00000000001388,3
counts nodes=9 size=80 fullsize=80 acls=2 ephemerals=1 containers=[/ctr] ttls=[/ttl] all=7 lastZxid=5
eph 12c []
r 6 err=0 path=/ctr/child stat=-
d 22615d616
r 7 err=0 path=null stat=-
d 138d55ade
stat /ctr 2,2,2001,2001,0,4,0,0,5,0,7
counts nodes=7 size=62 fullsize=62 acls=2 ephemerals=0 containers=[/ctr] ttls=[/ttl] all=5 lastZxid=7
r 8 err=0 path=/ctr stat=-
d 1acd89e5f
r 9 err=0 path=/ttl stat=-
d 85ccd37a
counts nodes=5 size=44 fullsize=44 acls=1 ephemerals=0 containers=[] ttls=[] all=3 lastZxid=9
r 10 err=0 path=/big stat=10,10,2009,2009,0,0,0,0,0,0,10
d 22265211e
raw /big 10,10,2009,2009,0,0,0,ff0000ffffffffff,10
roundtrip d 22265211e acls=2
counts nodes=6 size=48 fullsize=48 acls=2 ephemerals=0 containers=[] ttls=[/big] all=4 lastZxid=10
`,
);

// a TTL owner with extended types off reads as a session owner
check(
  'ttl-off',
  `
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/t stat=2,2,3001,3001,0,0,0,ff000000000003e8,0,0,2
d 14bf4211d
r 3 err=0 path=/c stat=3,3,3002,3002,0,0,0,0,0,0,3
d 21a1b5541
stat /t 2,2,3001,3001,0,0,0,ff000000000003e8,0,0,2
stat /c 3,3,3002,3002,0,0,0,0,0,0,3
counts nodes=7 size=48 fullsize=48 acls=2 ephemerals=1 containers=[/c] ttls=[] all=5 lastZxid=3
eph ff000000000003e8 [/t]
r 4 err=0 path=/t stat=-
d eadf6247
counts nodes=6 size=46 fullsize=46 acls=2 ephemerals=0 containers=[/c] ttls=[] all=4 lastZxid=4
`,
);

// multi success, failed multi, replayed sub-txn errors, create2 sub-txn stops the multi
check(
  'multi',
  `
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/m stat=-
d 88a21ce6
r 3 err=0 path=null stat=- | 1 err=0 path=/m/a stat=- | 5 err=0 path=/m stat=2,3,4001,4002,1,1,0,0,4,1,3 | 13 err=0 path=/m stat=- | 1 err=0 path=/m/b stat=- | 2 err=0 path=/m/a stat=-
d f73f6d34
stat /m 2,3,4001,4002,1,3,0,0,4,1,3
children /m b
digest f73f6d34
r 4 err=-103 path=null stat=- | -1 err=0 path=null stat=- | -1 err=-103 path=null stat=- | -1 err=-2 path=null stat=-
d f73f6d34
r 5 err=-101 path=null stat=- | -1 err=0 path=null stat=- | -1 err=-101 path=null stat=- | -1 err=-2 path=null stat=-
d f73f6d34
stat /m 2,3,4001,4002,1,3,0,0,4,1,3
children /m b
r 6 err=-110 path=null stat=- | 1 err=-110 path=/m/b stat=- | 1 err=0 path=/m/c stat=- | 5 err=-101 path=/gone stat=- | 2 err=-101 path=/gone stat=-
d 2060fba60
stat /m 2,3,4001,4002,1,10,0,0,4,2,6
raw /m 2,3,4001,4002,1,6,0,0,6
children /m b,c
r 7 err=0 path=/m stat=-
d 2060fba60
r 8 err=0 path=null stat=- | 19 err=0 path=/m/ctr stat=8,8,4007,4007,0,0,0,0,0,0,8 | 21 err=0 path=/m/ttl stat=8,8,4007,4007,0,0,0,ff00000000000064,0,0,8
d 213939dee
stat /m/ctr 8,8,4007,4007,0,0,0,0,0,0,8
counts nodes=10 size=71 fullsize=71 acls=2 ephemerals=2 containers=[/m/ctr] ttls=[] all=8 lastZxid=8
r 9 err=0 path=null stat=- | 1 err=0 path=/m/y stat=-
d 2f5b6225d
children /m b,c,ctr,ttl,y
r a err=0 path=null stat=-
d 2f5b6225d
r b err=0 path=/m/other stat=-
d 388ebc915
r c err=0 path=null stat=-
d 2fce2d6f1
children /m c,ctr,ttl,y
eph 501 []
eph 500 []
counts nodes=10 size=71 fullsize=71 acls=2 ephemerals=1 containers=[/m/ctr] ttls=[] all=8 lastZxid=c
`,
);

// replay tolerance: NODEEXISTS/NONODE results, cversion/pzxid only move forward
check(
  'replay',
  `
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/p stat=-
d cfaf1d00
r 3 err=0 path=/p/a stat=-
d 8a2c0021
r 4 err=0 path=/p/b stat=-
d 154645762
raw /p 2,2,5002,5002,0,2,0,0,4
r 5 err=-110 path=/p/a stat=-
d e18cf356
raw /p 2,2,5002,5002,0,7,0,0,5
stat /p 2,2,5002,5002,0,12,0,0,0,2,5
r 6 err=-110 path=/p/a stat=-
d e18cf356
raw /p 2,2,5002,5002,0,7,0,0,5
r 7 err=-110 path=/p/b stat=-
d e18cf356
raw /p 2,2,5002,5002,0,7,0,0,5
r 8 err=-101 path=/p/zz stat=-
d af8a9014
raw /p 2,2,5002,5002,0,7,0,0,8
r 9 err=0 path=/p/c stat=-
d 1fda18994
raw /p 2,2,5002,5002,0,8,0,0,9
r a err=-101 path=/nope/x stat=-
d 1fda18994
r b err=-101 path=/nope stat=-
d 1fda18994
r c err=-101 path=/nope stat=-
d 1fda18994
r d err=-101 path=/nope/x stat=-
d 1fda18994
r e err=-110 path=/p/a stat=-
d 1fda18994
r 4 err=0 path=/p/c stat=-
d 14c09d1ea
raw /p 2,2,5002,5002,0,8,0,0,9
counts nodes=8 size=54 fullsize=54 acls=2 ephemerals=0 containers=[] ttls=[] all=6 lastZxid=e
r f err=0 path=/p/e stat=-
d 16261e010
r 10 err=0 path=null stat=-
d 190215ccc
children /p b
raw /p 2,2,5002,5002,0,10,0,0,10
counts nodes=7 size=50 fullsize=50 acls=2 ephemerals=0 containers=[] ttls=[] all=5 lastZxid=10
`,
);

// quota limits/stats: recount on creation, local adjustment, recount after load
check(
  'quota',
  `
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/q stat=-
d 80aee677
r 3 err=0 path=/q/one stat=-
d 16fb79363
r 4 err=0 path=/zookeeper/quota/q stat=-
d 16fb79363
r 5 err=0 path=/zookeeper/quota/q/zookeeper_limits stat=-
d 16fb79363
r 6 err=0 path=/zookeeper/quota/q/zookeeper_stats stat=-
d 16fb79363
data /zookeeper/quota/q/zookeeper_stats 'count=2,bytes=8'
r 7 err=0 path=/q/two stat=-
d 1ab500803
data /zookeeper/quota/q/zookeeper_stats 'count=3,bytes=15'
r 8 err=0 path=/q/one stat=3,8,6003,6008,1,0,0,0,1,0,3
d 151c9dd74
data /zookeeper/quota/q/zookeeper_stats 'count=3,bytes=11'
r 9 err=0 path=/q/two stat=-
d 16d2b8195
data /zookeeper/quota/q/zookeeper_stats 'count=2,bytes=4'
r a err=0 path=/zookeeper/quota/q/zookeeper_stats stat=6,a,6006,6010,1,0,0,0,51,0,6
d 16d2b8195
r b err=0 path=/q/three stat=-
d 25946df6c
data /zookeeper/quota/q/zookeeper_stats 'count=6,bytes=7=;byteHardLimit=100;countHardLimit=3'
r c err=0 path=/q/one/deep stat=-
d 276ca9400
r d err=0 path=/zookeeper/quota/q/one stat=-
d 276ca9400
r e err=0 path=/zookeeper/quota/q/one/zookeeper_limits stat=-
d 276ca9400
r f err=0 path=/zookeeper/quota/q/one/zookeeper_stats stat=-
d 276ca9400
data /zookeeper/quota/q/one/zookeeper_stats 'count=2,bytes=7'
r 10 err=0 path=/q/one/deep stat=c,10,6012,6016,1,0,0,0,2,0,c
d 36aa6a2cb
data /zookeeper/quota/q/one/zookeeper_stats 'count=2,bytes=3'
data /zookeeper/quota/q/zookeeper_stats 'count=7,bytes=13=;byteHardLimit=100;countHardLimit=3'
r 11 err=0 path=/zookeeper/quota/q/zookeeper_stats stat=6,11,6006,6017,2,0,0,0,15,0,6
d 36aa6a2cb
roundtrip d 36aa6a2cb acls=2
data /zookeeper/quota/q/zookeeper_stats 'count=4,bytes=6'
data /zookeeper/quota/q/one/zookeeper_stats 'count=2,bytes=3'
r 12 err=0 path=/zookeeper/quota/q/one/zookeeper_limits stat=-
d 36aa6a2cb
r 13 err=0 path=/q/one/more stat=-
d 3a4a59af8
data /zookeeper/quota/q/one/zookeeper_stats 'count=2,bytes=3'
data /zookeeper/quota/q/zookeeper_stats 'count=5,bytes=9'
counts nodes=15 size=285 fullsize=285 acls=2 ephemerals=0 containers=[] ttls=[] all=13 lastZxid=13
digest 3a4a59af8
`,
);

// the root and system nodes: data and ACL on "/", reconfig, digest exclusion, size counters
check(
  'root',
  `
r 1 err=0 path=/ stat=0,1,0,7000,1,-1,0,0,8,1,0
d 8fcc5fbb
stat / 0,1,0,7000,1,-1,0,0,8,1,0
counts nodes=5 size=52 fullsize=60 acls=1 ephemerals=0 containers=[] ttls=[] all=3 lastZxid=1
r 2 err=0 path=/ stat=0,1,0,7000,1,-1,1,0,8,1,0
d a3175378
acl / world:anyone:1;
counts nodes=5 size=52 fullsize=60 acls=1 ephemerals=0 containers=[] ttls=[] all=3 lastZxid=2
r 3 err=0 path=/zookeeper/config stat=0,3,0,7002,5,0,-1,0,14,0,0
d a3175378
stat /zookeeper/config 0,3,0,7002,5,0,-1,0,14,0,0
r 4 err=0 path=/zookeeper/x stat=-
d 153d4c882
stat /zookeeper 0,0,0,0,0,-1,0,0,0,3,4
digest 153d4c882
r 5 err=0 path=/zookeeperfoo stat=-
d 1f303dd4f
r 6 err=0 path=/zookeeper/quota stat=0,6,0,7005,1,0,0,0,2,0,0
d 1f303dd4f
counts nodes=7 size=93 fullsize=101 acls=2 ephemerals=0 containers=[] ttls=[] all=5 lastZxid=6
roundtrip d 1f303dd4f acls=2
counts nodes=7 size=101 fullsize=101 acls=2 ephemerals=0 containers=[] ttls=[] all=5 lastZxid=6
stat / 0,1,0,7000,1,0,1,0,8,2,5
acl / world:anyone:1;
`,
);

// ACL cache: sharing, reference counts, the NODEEXISTS leak, purge after load, index numbering
check(
  'acls',
  `
aclcache 1=world:anyone:1;x1
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/x stat=-
d 538d68e7
r 3 err=0 path=/y stat=-
d 18b4d7c57
r 4 err=0 path=/z stat=-
d 2f20edca8
r 5 err=0 path=/w stat=-
d 246e68161
r 6 err=0 path=/n stat=-
d 356eec0c7
aclidx /x 2
aclidx /y 2
aclidx /z 3
aclidx /w 4
aclidx /n -1
acl /n world:anyone:31;
acl /w 
aclcache 1=world:anyone:1;x1 2=digest:ann:aGFzaA==:31;x2 3=world:anyone:31;digest:ann:aGFzaA==:1;x1 4=x1
r 7 err=0 path=/x stat=-
d 2d33b2d13
aclcache 1=world:anyone:1;x1 2=digest:ann:aGFzaA==:31;x1 3=world:anyone:31;digest:ann:aGFzaA==:1;x1 4=x1
r 8 err=0 path=/y stat=-
d 26f20e775
aclcache 1=world:anyone:1;x1 3=world:anyone:31;digest:ann:aGFzaA==:1;x1 4=x1
r 9 err=0 path=/x stat=-
d 2b5bc145a
aclidx /x 5
r a err=0 path=/z stat=4,4,8003,8003,0,0,1,0,0,0,4
d 2c2772017
aclidx /z 6
aclcache 1=world:anyone:1;x1 4=x1 5=digest:ann:aGFzaA==:31;x1 6=world:anyone:31;digest:ann:aGFzaA==:1;x1
r b err=-110 path=/x stat=-
d 2c97b50b1
aclcache 1=world:anyone:1;x1 4=x1 5=digest:ann:aGFzaA==:31;x1 6=world:anyone:31;digest:ann:aGFzaA==:1;x1 7=world:anyone:3;x1
r c err=0 path=/x stat=-
d 281d4d05e
aclcache 1=world:anyone:1;x1 4=x1 6=world:anyone:31;digest:ann:aGFzaA==:1;x1 7=world:anyone:3;x1
roundtrip d 281d4d05e acls=3
aclcache 1=world:anyone:1;x1 4=x1 6=world:anyone:31;digest:ann:aGFzaA==:1;x1
r d err=0 path=/v stat=-
d 2973358d4
aclidx /v 8
aclcache 1=world:anyone:1;x1 4=x1 6=world:anyone:31;digest:ann:aGFzaA==:1;x1 8=world:anyone:7;x1
`,
);

// data around the compact-storage threshold, non-ASCII bytes and paths, null vs empty
check(
  'data',
  `
r 1 err=0 path=null stat=-
d 51c6d660
r 2 err=0 path=/small stat=-
d 10709cc2d
r 3 err=0 path=/big stat=-
d 1ee28f52c
r 4 err=0 path=/ü stat=-
d 2ffda0c6e
r 5 err=0 path=/empty stat=-
d 2ed9feeba
r 6 err=0 path=/null stat=-
d 3a6d54ac8
stat /small 2,2,9001,9001,0,0,0,0,1024,0,2
stat /big 3,3,9002,9002,0,0,0,0,1025,0,3
data /ü 'ÿé€'
stat /ü 4,4,9003,9003,0,0,0,0,7,0,4
data /empty ''
data /null -
counts nodes=10 size=2123 fullsize=2123 acls=2 ephemerals=0 containers=[] ttls=[] all=8 lastZxid=6
r 7 err=0 path=/small stat=2,7,9001,9006,1,0,0,0,5000,0,2
d 3397df5d8
r 8 err=0 path=/big stat=3,8,9002,9007,1,0,0,0,0,0,3
d 2a2f31988
r 9 err=0 path=/null stat=6,9,9005,9008,1,0,0,0,3,0,6
d 2a372f341
counts nodes=10 size=5077 fullsize=5077 acls=2 ephemerals=0 containers=[] ttls=[] all=8 lastZxid=9
roundtrip d 2a372f341 acls=2
counts nodes=10 size=5077 fullsize=5077 acls=2 ephemerals=0 containers=[] ttls=[] all=8 lastZxid=9
stat /small 2,7,9001,9006,1,0,0,0,5000,0,2
data /null 'ddd'
data /ü 'ÿé€'
`,
);
