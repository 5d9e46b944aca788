// The seeded simulation of election + Zab, second half of the seeds (see sim.test.ts).

import test from 'ava';
import { registerShard } from './shard';

registerShard(test, 1, 2);
