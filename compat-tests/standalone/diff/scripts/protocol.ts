// Protocol edges, on a server with default settings (extended types off, reconfig disabled):
// malformed request bodies (MARSHALLINGERROR), unknown opcodes (UNIMPLEMENTED, then closed),
// createTTL refused (UNIMPLEMENTED), reconfig refused (RECONFIGDISABLED), SASL without a SASL
// server, whoAmI, requests pipelined behind the ConnectRequest, and special xids.

import type { Script } from '../../../../test/support/differential';

// Hand-made bodies: a ustring claims more bytes than follow, a bare int, garbage.
const TRUNCATED_PATH = '00000010' + Buffer.from('/abc').toString('hex');
const CREATE_TRUNCATED = '00000004' + Buffer.from('/bad').toString('hex') + '00000002' + '6869';
const NEGATIVE_LENGTH_PATH = 'ffffff00' + '00';

export const protocol: Script = {
  name: 'protocol',
  description: 'MARSHALLINGERROR, UNIMPLEMENTED, RECONFIGDISABLED, createTTL disabled, sasl, odd requests',
  steps: [
    { client: 'm', op: 'connect' },
    { client: 'm', op: 'create', path: '/p', data: 'x' },
    { client: 'm', op: 'whoAmI' },
    // Malformed bodies: reads and writes
    { client: 'm', op: 'raw', label: 'getData(truncated)', opcode: 4, body: TRUNCATED_PATH },
    { client: 'm', op: 'raw', label: 'getData(empty body)', opcode: 4, body: '' },
    { client: 'm', op: 'raw', label: 'exists(negative length)', opcode: 3, body: NEGATIVE_LENGTH_PATH },
    { client: 'm', op: 'getData', path: '/p' },
    { client: 'm', op: 'raw', label: 'create(truncated)', opcode: 1, body: CREATE_TRUNCATED },
    { client: 'm', op: 'raw', label: 'setData(empty body)', opcode: 5, body: '' },
    { client: 'm', op: 'raw', label: 'delete(truncated)', opcode: 2, body: TRUNCATED_PATH },
    { client: 'm', op: 'raw', label: 'multi(garbage)', opcode: 14, body: '0000000100' },
    { client: 'm', op: 'raw', label: 'setACL(empty body)', opcode: 7, body: '' },
    { client: 'm', op: 'raw', label: 'getChildren2(truncated)', opcode: 12, body: TRUNCATED_PATH },
    { client: 'm', op: 'raw', label: 'addWatch(empty body)', opcode: 106, body: '' },
    { client: 'm', op: 'raw', label: 'getEphemerals(truncated)', opcode: 103, body: TRUNCATED_PATH },
    { client: 'm', op: 'raw', label: 'sync(truncated)', opcode: 9, body: TRUNCATED_PATH },
    { client: 'm', op: 'getData', path: '/p' },
    { client: 'm', op: 'raw', label: 'whoAmI(with a body)', opcode: 107, body: '0000000000000000' },
    { client: 'm', op: 'raw', label: 'getData(trailing bytes)', opcode: 4, body: '00000002' + Buffer.from('/p').toString('hex') + '00' + 'deadbeef' },
    // createTTL is an extended type: refused while extendedTypesEnabled is off
    { client: 'm', op: 'createTTL', path: '/p/ttl', data: '', ttl: 1000 },
    { client: 'm', op: 'create', path: '/p/ttl', data: '', flags: 5 },
    { client: 'm', op: 'create2', path: '/p/ttl', data: '', flags: 6 },
    { client: 'm', op: 'multi', ops: [{ op: 'createTTL', path: '/p/ttl', data: '', ttl: 1000 }] },
    { client: 'm', op: 'createContainer', path: '/p/box', data: '' },
    { client: 'm', op: 'getData', path: '/p/box' },
    // reconfig in standalone with reconfigEnabled=false
    { client: 'm', op: 'reconfig', joining: 'server.2=127.0.0.1:2888:3888;2181' },
    { client: 'm', op: 'reconfig', leaving: '1' },
    { client: 'm', op: 'reconfig', newMembers: 'server.1=127.0.0.1:2888:3888;2181', curConfigId: 5 },
    { client: 'm', op: 'getData', path: '/zookeeper/config' },
    // SASL (102) on a server without SASL configured
    { client: 'm', op: 'raw', label: 'sasl(empty token)', opcode: 102, body: '00000000' },
    { client: 'm', op: 'getData', path: '/p' },
    // Unknown opcodes: UNIMPLEMENTED, then the connection is closed
    { client: 'u', op: 'connect' },
    { client: 'u', op: 'raw', label: 'opcode 999', opcode: 999, body: '' },
    { client: 'u', op: 'expect-closed' },
    { client: 'u', op: 'reconnect' },
    { client: 'u', op: 'raw', label: 'opcode 10', opcode: 10, body: '00000002' + Buffer.from('/p').toString('hex') },
    { client: 'u', op: 'expect-closed' },
    { client: 'u', op: 'reconnect' },
    // deleteContainer is server-internal; from a client Java reads the path from the whole packet
    // (header included), so it is refused with BADARGUMENTS (a zxid consumed) and nothing happens
    { client: 'u', op: 'raw', label: 'opcode 20 (deleteContainer)', opcode: 20, body: Buffer.from('/p/box').toString('hex') },
    { client: 'u', op: 'getData', path: '/p/box' },
    // jute.maxbuffer (1048575): a large node is fine, a frame above the limit closes the connection
    { client: 'u', op: 'create', path: '/p/large', data: { repeat: 'L', times: 1_000_000 } },
    { client: 'u', op: 'getData', path: '/p/large' },
    { client: 'u', op: 'setData', path: '/p/large', data: { repeat: 'H', times: 1_048_576 } },
    { client: 'u', op: 'expect-closed' },
    { client: 'u', op: 'reconnect' },
    { client: 'u', op: 'exists', path: '/p/large' },
    // A client asking for read-only mode from a read-write server gets a read-write session
    { client: 'r', op: 'connect', readOnly: true },
    { client: 'r', op: 'create', path: '/p/rw', data: 'writable' },
    // Reads right behind the ConnectRequest and auth in the same write
    { client: 'v', op: 'connect', auth: [{ scheme: 'digest', data: 'v:v' }, { scheme: 'ip', data: '' }] },
    { client: 'v', op: 'whoAmI' },
    { client: 'v', op: 'closeSession' },
    { client: 'm', op: 'getAllChildrenNumber', path: '/p' },
  ],
};
