// Reply bodies of the hot reads built straight from the tree's storage: the stat bytes are copied
// from the stat slab (no bigint), node data from its stored latin1 string, and child names come
// from the node's cached encoded list. Each is byte-identical to the generated encoder's output
// for the value the tree's plain read API returns (test/server/read-replies.test.ts).
// The node must be used at once: it is the tree's live object.

import { bufferBytes, putBuffer } from '../protocol/fast-codec';
import type { DataTree } from '../tree';
import { CLIENT_STAT_BYTES } from '../tree/tree-store';
import type { ZNode } from '../tree/znode';

/** ExistsResponse (also SetDataResponse / SetACLResponse): the node's client stat. */
export function statBody(tree: DataTree, node: ZNode): Buffer {
  const out = Buffer.allocUnsafe(CLIENT_STAT_BYTES);
  tree.writeClientStat(node, out, 0);
  return out;
}

/** GetDataResponse: data, then stat. */
export function getDataBody(tree: DataTree, node: ZNode): Buffer {
  const out = Buffer.allocUnsafe(bufferBytes(node.data) + CLIENT_STAT_BYTES);
  const at = putBuffer(out, 0, node.data);
  tree.writeClientStat(node, out, at);
  return out;
}

/** GetChildrenResponse: the cached encoded names (shared: the caller must not write to it). */
export function getChildrenBody(node: ZNode): Buffer {
  return node.encodedChildren();
}

/** GetChildren2Response: names, then stat. */
export function getChildren2Body(tree: DataTree, node: ZNode): Buffer {
  const names = node.encodedChildren();
  const out = Buffer.allocUnsafe(names.length + CLIENT_STAT_BYTES);
  names.copy(out, 0);
  tree.writeClientStat(node, out, names.length);
  return out;
}
