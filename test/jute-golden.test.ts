// Golden vectors: bytes written by Apache ZooKeeper 3.8.0's own classes (compat-tests/golden) must
// decode to the values the Java program recorded, and re-encode to the identical bytes.

import test from 'ava';
import { codecs } from '../src/protocol/generated';
import { declFor, fromFixtureJson, LargeBufferError, loadFixtures, toFixtureJson } from './support/golden';

const fixtures = loadFixtures();

// The 72 records of the reference's zookeeper.jute (3.8 / 3.9), by module.
const REFERENCE_RECORDS = [
  // data
  'Id', 'ACL', 'Stat', 'StatPersisted', 'ClientInfo',
  // proto
  'ConnectRequest', 'ConnectResponse', 'SetWatches', 'SetWatches2', 'RequestHeader', 'MultiHeader',
  'AuthPacket', 'ReplyHeader', 'GetDataRequest', 'SetDataRequest', 'ReconfigRequest', 'SetDataResponse',
  'GetSASLRequest', 'SetSASLRequest', 'SetSASLResponse', 'CreateRequest', 'CreateTTLRequest',
  'DeleteRequest', 'GetChildrenRequest', 'GetAllChildrenNumberRequest', 'GetChildren2Request',
  'CheckVersionRequest', 'GetMaxChildrenRequest', 'GetMaxChildrenResponse', 'SetMaxChildrenRequest',
  'SyncRequest', 'SyncResponse', 'GetACLRequest', 'SetACLRequest', 'SetACLResponse', 'AddWatchRequest',
  'WatcherEvent', 'ErrorResponse', 'CreateResponse', 'Create2Response', 'ExistsRequest', 'ExistsResponse',
  'GetDataResponse', 'GetChildrenResponse', 'GetAllChildrenNumberResponse', 'GetChildren2Response',
  'GetACLResponse', 'CheckWatchesRequest', 'RemoveWatchesRequest', 'GetEphemeralsRequest',
  'GetEphemeralsResponse', 'WhoAmIResponse',
  // server.quorum
  'LearnerInfo', 'QuorumPacket', 'QuorumAuthPacket',
  // server.persistence
  'FileHeader',
  // txn
  'TxnDigest', 'TxnHeader', 'CreateTxnV0', 'CreateTxn', 'CreateTTLTxn', 'CreateContainerTxn', 'DeleteTxn',
  'SetDataTxn', 'CheckVersionTxn', 'SetACLTxn', 'SetMaxChildrenTxn', 'CreateSessionTxn', 'CloseSessionTxn',
  'ErrorTxn', 'Txn', 'MultiTxn',
];
// Serialized by hand in the reference; the ReadOnly variants are the handshake with its trailing byte.
const HAND_SERIALIZED = [
  'MultiOperationRecord', 'MultiResponse', 'DataNode', 'AclCache', 'ZxidDigest',
  'ConnectRequestReadOnly', 'ConnectResponseReadOnly',
];

test('every reference record and hand-serialized record has a golden vector', (t) => {
  t.is(REFERENCE_RECORDS.length, 72);
  const covered = new Set(fixtures.map((f) => f.record));
  const missing = [...REFERENCE_RECORDS, ...HAND_SERIALIZED].filter((r) => !covered.has(r));
  t.deepEqual(missing, []);
  t.log(
    `golden vectors: ${fixtures.length} fixtures covering ${REFERENCE_RECORDS.length} reference records` +
      ` + ${HAND_SERIALIZED.length} hand-serialized (${covered.size} names)`,
  );
});

for (const f of fixtures) {
  const decl = declFor(f.record);
  test(`golden ${f.record}/${f.case}`, (t) => {
    const codec = codecs[decl];
    if (codec === undefined) return t.fail(`no codec for ${decl}`);
    let fromJson: unknown;
    try {
      fromJson = fromFixtureJson(decl, f.value as never);
    } catch (e) {
      if (!(e instanceof LargeBufferError)) throw e;
    }
    if (fromJson !== undefined) {
      t.true(codec.encode(fromJson).equals(f.bytes), 'encoding the recorded value gives the reference bytes');
    }
    if (f.encodeOnly === true) return;
    const { value, bytesRead } = codec.decodeWithLength(f.bytes);
    t.is(bytesRead, f.bytes.length, 'decoding consumes the whole record');
    t.deepEqual(toFixtureJson(decl, value), f.value, 'every field decodes to the recorded value');
    t.true(codec.encode(value).equals(f.bytes), 're-encoding is byte-identical');
  });
}
