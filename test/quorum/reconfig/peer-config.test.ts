// PeerConfig: a proposed config goes to `.dynamic.next`; activating a newer one writes
// `.dynamic.<hex>`, points zoo.cfg at it, removes `.dynamic.next`, and tells the election and the
// config node; stale or repeated configs change nothing (QuorumPeer.setLastSeenQuorumVerifier /
// setQuorumVerifier at release-3.8.0-1).

import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/quorum/reconfig/config-parse';
import { PeerConfig } from '../../../src/quorum/reconfig/peer-config';
import { silentLogger } from '../../../src/util/logger';

const S1 = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181';
const S2 = 'server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2182';
const S3 = 'server.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183';

function setup(t: ExecutionContext, reconfigEnabled = true) {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-peer-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'zoo.cfg');
  writeFileSync(cfg, `tickTime=2000\ndataDir=${dir}\n${S1}\n${S2}\n${S3}\n`);
  const calls: string[] = [];
  const pc = new PeerConfig({
    myId: 1,
    servers: parseConfigText(`${S1}\n${S2}\n${S3}`).servers,
    version: 0x100000000n,
    reconfigEnabled,
    configFile: cfg,
    log: silentLogger,
    hooks: {
      electionMembers: (m, _text, peers) => calls.push(`election voters=${[...m.voters].join(',')} peers=${[...peers.keys()].join(',')}`),
      configNode: (_text, version) => calls.push(`node ${version.toString(16)}`),
    },
  });
  return { dir, cfg, pc, calls };
}

test('proposed then activated: .dynamic.next, then .dynamic.<version> and zoo.cfg pointing at it', (t) => {
  const { cfg, pc, calls } = setup(t);
  const next = `${S1}\n${S3}\nversion=100000002`;
  pc.proposed(next);
  t.is(pc.lastSeenVersion, 0x100000002n);
  t.is(pc.version, 0x100000000n);
  t.is(readFileSync(`${cfg}.dynamic.next`, 'utf8'), `${S1}\n${S3}\nversion=100000002`);
  t.is(pc.lastSeenText, next);

  t.false(pc.activate(next, 3n, 3n, false), 'same leader, still a voter: no major change');
  t.is(pc.version, 0x100000002n);
  t.deepEqual(calls, ['election voters=1,3 peers=3', 'node 100000002']);
  t.is(readFileSync(`${cfg}.dynamic.100000002`, 'utf8'), `${S1}\n${S3}`);
  t.false(existsSync(`${cfg}.dynamic.next`));
  const text = readFileSync(cfg, 'utf8');
  t.false(/server\./.test(text));
  t.regex(text, new RegExp(`dynamicConfigFile=${realpathSync(`${cfg}.dynamic.100000002`)}`));
});

test('stale and repeated configs are ignored; a new designated leader is a major change', (t) => {
  const { cfg, pc, calls } = setup(t);
  pc.proposed(`${S1}\n${S2}\nversion=ff`);
  t.false(existsSync(`${cfg}.dynamic.next`), 'older than the current config');
  t.false(pc.activate(`${S1}\n${S2}\nversion=100000000`, null, 3n, false));
  t.deepEqual(calls, []);
  t.true(pc.activate(`${S1}\n${S2}\nversion=100000005`, 2n, 3n, false), 'designated leader 2, we followed 3');
  t.is(pc.version, 0x100000005n);
  t.false(pc.activate(`${S1}\n${S2}\nversion=100000005`, 2n, 2n, false), 'a repeat');
});

test('bad config text and reconfig off change nothing', (t) => {
  const { cfg, pc, calls } = setup(t);
  pc.proposed('server.1=nonsense\nversion=200000000');
  t.false(pc.activate('server.1=nonsense\nversion=200000000', 1n, 1n, false));
  t.is(pc.version, 0x100000000n);
  const off = setup(t, false);
  off.pc.proposed(`${S1}\n${S3}\nversion=200000000`);
  t.false(off.pc.activate(`${S1}\n${S3}\nversion=200000000`, 1n, 1n, false));
  t.deepEqual([...calls, ...off.calls], []);
  t.false(existsSync(`${cfg}.dynamic.next`) || existsSync(`${off.cfg}.dynamic.next`));
});
