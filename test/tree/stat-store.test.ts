// StatStore's long fields (src/tree/znode.ts): setLong keeps the halves of its last two values;
// every write must still store exactly the value's 64 bits, whatever the order of values.

import test from 'ava';
import { StatStore } from '../../src/tree/znode';

test('setLong stores every value exactly, repeated, alternating and wrapped beyond 64 bits', (t) => {
  const store = new StatStore();
  const slots = [store.alloc(), store.alloc(), store.alloc()];
  const values = [0n, -1n, 1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, 0xffffffffn, -0x100000000n, 5n, 5n, -1n, 5n, 0n, 0x1234567890abcdefn];
  let k = 0;
  for (const v of values) {
    for (const f of ['czxid', 'mzxid', 'pzxid', 'ctime', 'mtime', 'ephemeralOwner'] as const) {
      const slot = slots[k++ % slots.length]!;
      store.setLong(slot, f, v);
      t.is(store.getLong(slot, f), v, `${f} = ${v}`);
    }
  }
  // Values beyond 64 bits keep their low 64 bits (as BigInt.asIntN), also when they repeat.
  for (const v of [1n << 64n, (1n << 64n) + 7n, (1n << 64n) + 7n, -(1n << 64n) - 1n]) {
    store.setLong(slots[0]!, 'mtime', v);
    t.is(store.getLong(slots[0]!, 'mtime'), BigInt.asIntN(64, v));
  }
  // The neighbouring fields are untouched.
  store.setLong(slots[1]!, 'czxid', 11n);
  store.setLong(slots[1]!, 'pzxid', 22n);
  store.setLong(slots[1]!, 'mzxid', -1n);
  t.is(store.getLong(slots[1]!, 'czxid'), 11n);
  t.is(store.getLong(slots[1]!, 'pzxid'), 22n);
  t.is(store.getLong(slots[1]!, 'mzxid'), -1n);
});
