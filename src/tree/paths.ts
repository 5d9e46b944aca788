// Path helpers with the reference's string semantics: the parent is everything before the last '/',
// so the parent of "/a" is "" (the root's stored name) and "/" is only an alias of the root.

/** The root as stored (and as written in snapshots). */
export const ROOT_PATH = '';
/** The root as clients name it. */
export const ROOT_ALIAS = '/';
export const PROC_PATH = '/zookeeper';
export const QUOTA_PATH = '/zookeeper/quota';
export const CONFIG_PATH = '/zookeeper/config';
/** Everything below this prefix is left out of the digest (the prefix itself is not). */
export const SYSTEM_SUBTREE_PREFIX = '/zookeeper/';

/** Paths the server owns; clients may not delete them. */
export function isSpecialPath(path: string): boolean {
  return path === ROOT_ALIAS || path === PROC_PATH || path === QUOTA_PATH || path === CONFIG_PATH;
}

/** Everything before the last '/' ("" for a child of the root, and for a path without '/'). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Everything after the last '/'. */
export function childNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The name used in watch events and replies: the root's stored name "" becomes "/". */
export function eventPath(path: string): string {
  return path === ROOT_PATH ? ROOT_ALIAS : path;
}

/** The path of a child: the root's children are "/name". */
export function childPath(parent: string, name: string): string {
  return `${parent}/${name}`;
}

/** Java's String.trim(): strips leading and trailing chars <= U+0020. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}
