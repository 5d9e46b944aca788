// The seeded simulation of election + Zab (first half of the seeds; sim-2.test.ts runs the
// second half in another ava worker). See docs/simulation.md.

import test from 'ava';
import { registerShard } from './shard';

registerShard(test, 0, 2);
