// The fault scenarios of faults.test.ts (fault-support.ts) on mixed Java 3.8.0 / zkts layouts:
// the leader SIGKILLed under a Curator load, Java with zkts followers and the other way round;
// a follower frozen past syncLimit caught up by DIFF, a Java follower of a zkts leader and a zkts
// follower of a Java leader; a follower wiped of its data caught up by SNAP, both directions.
// After each, every acknowledged write is on every member, read from each member itself.

import test from 'ava';
import { frozenFollowerCatchesUpByDiff, leaderKilledUnderLoad, wipedFollowerRejoinsBySnap, type Layout } from './fault-support';

// sid 3 leads (started first, highest sid); 1 is the follower the scenarios freeze or wipe.
const JAVA_LEADER_ZKTS_FOLLOWERS: Layout = { 1: 'zkts', 2: 'zkts', 3: 'java' };
const ZKTS_LEADER_JAVA_FOLLOWERS: Layout = { 1: 'java', 2: 'java', 3: 'zkts' };
const JAVA_FOLLOWER_OF_ZKTS: Layout = { 1: 'java', 2: 'zkts', 3: 'zkts' };
const ZKTS_FOLLOWER_OF_JAVA: Layout = { 1: 'zkts', 2: 'java', 3: 'java' };

test.serial('SIGKILL of a Java leader under load: the zkts followers elect, serve, keep every acknowledged write', (t) => leaderKilledUnderLoad(t, JAVA_LEADER_ZKTS_FOLLOWERS));
test.serial('SIGKILL of a zkts leader under load: the Java followers elect, serve, keep every acknowledged write', (t) => leaderKilledUnderLoad(t, ZKTS_LEADER_JAVA_FOLLOWERS));
test.serial('a Java follower frozen past syncLimit is dropped by its zkts leader and caught up by DIFF', (t) => frozenFollowerCatchesUpByDiff(t, JAVA_FOLLOWER_OF_ZKTS));
test.serial('a zkts follower frozen past syncLimit is dropped by its Java leader and caught up by DIFF', (t) => frozenFollowerCatchesUpByDiff(t, ZKTS_FOLLOWER_OF_JAVA));
test.serial('a wiped Java follower rejoins a zkts leader by SNAP', (t) => wipedFollowerRejoinsBySnap(t, JAVA_FOLLOWER_OF_ZKTS));
test.serial('a wiped zkts follower rejoins a Java leader by SNAP', (t) => wipedFollowerRejoinsBySnap(t, ZKTS_FOLLOWER_OF_JAVA));
