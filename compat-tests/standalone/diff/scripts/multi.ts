// multi and multiRead: every sub-op type, results and their header types (3.8.0 reports a
// create2 sub-op as a plain create), failures at every position with each error code (earlier ops
// 0, later ops RUNTIMEINCONSISTENCY, no partial effect, a zxid consumed), sequential names and
// versions seeing earlier sub-ops, watch events only for a successful multi, an empty multi,
// mixing reads and writes, and multiRead with failing reads inline.

import type { Script } from '../../../../test/support/differential';
import { BOB } from './common';

export const multi: Script = {
  name: 'multi',
  description: 'multi / multiRead successes and failures, result types, atomicity, events',
  server: { extendedTypesEnabled: 'true' },
  steps: [
    { client: 'm', op: 'connect' },
    { client: 'w', op: 'connect' },
    { client: 'm', op: 'create', path: '/t', data: 'top' },
    { client: 'w', op: 'getChildren', path: '/t', watch: true },
    { client: 'w', op: 'exists', path: '/t/a', watch: true },
    { client: 'w', op: 'getData', path: '/t', watch: true },
    // A failing multi has no effect and fires nothing
    { client: 'm', op: 'multi', ops: [
      { op: 'create', path: '/t/a', data: 'a' },
      { op: 'setData', path: '/t', data: 'changed' },
      { op: 'create', path: '/t/a', data: 'dup' },
      { op: 'delete', path: '/t/zzz' },
    ] },
    { client: 'w', op: 'expect-events', count: 0 },
    { client: 'm', op: 'exists', path: '/t/a' },
    { client: 'm', op: 'getData', path: '/t' },
    // Every sub-op kind succeeding together
    { client: 'm', op: 'multi', ops: [
      { op: 'create', path: '/t/a', data: 'a' },
      { op: 'create2', path: '/t/b', data: 'b' },
      { op: 'createContainer', path: '/t/box', data: '' },
      { op: 'createTTL', path: '/t/ttl', data: 't', ttl: 60_000 },
      { op: 'create', path: '/t/s-', data: 's', flags: 2 },
      { op: 'create', path: '/t/s-', data: 's', flags: 2 },
      { op: 'create', path: '/t/eph', data: 'e', flags: 1 },
      { op: 'setData', path: '/t', data: 'v1', version: 0 },
      { op: 'setData', path: '/t', data: 'v2', version: 1 },
      { op: 'check', path: '/t', version: 2 },
      { op: 'check', path: '/t/a', version: 0 },
      { op: 'create', path: '/t/gone', data: '' },
      { op: 'delete', path: '/t/gone', version: 0 },
    ] },
    { client: 'w', op: 'expect-events', count: 3 },
    { client: 'm', op: 'getChildren2', path: '/t' },
    { client: 'm', op: 'getData', path: '/t/box' },
    { client: 'm', op: 'getData', path: '/t/ttl' },
    { client: 'm', op: 'getData', path: '/t/eph' },
    // Failures, one error code each, at different positions
    { client: 'm', op: 'multi', ops: [{ op: 'check', path: '/t', version: 0 }] },
    { client: 'm', op: 'multi', ops: [{ op: 'check', path: '/t/missing', version: -1 }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/x', data: '' }, { op: 'delete', path: '/t/a', version: 5 }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/x', data: '' }, { op: 'delete', path: '/t' }, { op: 'create', path: '/t/y', data: '' }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/eph/kid', data: '' }] },
    { client: 'm', op: 'multi', ops: [{ op: 'setData', path: '/t/b', data: '' }, { op: 'create', path: '/t/x/', data: '' }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/x', data: '', flags: 9 }] },
    { client: 'm', op: 'multi', ops: [{ op: 'createTTL', path: '/t/x', data: '', ttl: 0 }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/x', data: '', acl: [] }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/nope/x', data: '' }, { op: 'create', path: '/t/x', data: '' }] },
    { client: 'm', op: 'create', path: '/t/locked', data: '', acl: [`digest:${BOB}:cdrwa`, 'world:anyone:r'] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/x', data: '' }, { op: 'setData', path: '/t/locked', data: 'no' }] },
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/locked/x', data: '' }] },
    { client: 'm', op: 'getChildren', path: '/t' },
    // Sequential names and deletes see earlier sub-ops
    { client: 'm', op: 'multi', ops: [
      { op: 'create', path: '/t/q', data: '' },
      { op: 'create', path: '/t/q/n-', data: '', flags: 2 },
      { op: 'create', path: '/t/q/n-', data: '', flags: 2 },
      { op: 'delete', path: '/t/q/n-0000000000' },
      { op: 'create', path: '/t/q/n-', data: '', flags: 2 },
      { op: 'delete', path: '/t/q/n-0000000001' },
      { op: 'delete', path: '/t/q/n-0000000002' },
      { op: 'delete', path: '/t/q' },
      { op: 'create', path: '/t/q', data: 'reborn' },
    ] },
    { client: 'm', op: 'getChildren2', path: '/t/q' },
    // Empty multi
    { client: 'm', op: 'multi', ops: [] },
    // Reads inside multi and writes inside multiRead are refused
    { client: 'm', op: 'multi', ops: [{ op: 'create', path: '/t/r', data: '' }, { op: 'getData', path: '/t' }] },
    { client: 'm', op: 'multiRead', ops: [{ op: 'getData', path: '/t' }, { op: 'setData', path: '/t', data: 'no' }] },
    { client: 'm', op: 'exists', path: '/t/r' },
    // multiRead: each read answers for itself
    { client: 'm', op: 'multiRead', ops: [
      { op: 'getData', path: '/t' },
      { op: 'getChildren', path: '/t/q' },
      { op: 'getData', path: '/t/missing' },
      { op: 'getChildren', path: '/t/missing' },
      { op: 'getData', path: '/t/b' },
      { op: 'getData', path: '/' },
      { op: 'getChildren', path: '/zookeeper' },
    ] },
    { client: 'm', op: 'multiRead', ops: [] },
    // Events from a multi: one per trigger, in sub-op order
    { client: 'w', op: 'getChildren', path: '/t', watch: true },
    { client: 'w', op: 'getData', path: '/t/a', watch: true },
    { client: 'w', op: 'getData', path: '/t/b', watch: true },
    { client: 'm', op: 'multi', ops: [
      { op: 'setData', path: '/t/a', data: 'x' },
      { op: 'delete', path: '/t/b' },
      { op: 'create', path: '/t/c', data: '' },
    ] },
    { client: 'w', op: 'expect-events', count: 3 },
    // A multi's ephemeral belongs to the session
    { client: 'm', op: 'getEphemerals', prefix: '/t' },
    { client: 'm', op: 'closeSession' },
    { client: 'w', op: 'getChildren', path: '/t' },
  ],
};
