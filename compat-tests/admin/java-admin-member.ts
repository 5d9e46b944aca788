// A Java 3.8.0 quorum member with its AdminServer (JettyAdminServer): the shared launcher's class
// path has no Jetty, so the reference's AdminServerFactory would skip it ("Unable to load jetty").
// Same zoo.cfg and readiness rule as startJavaQuorumMember, plus Debian's Jetty 9, servlet API and
// Jackson jars (libjetty9-java, libservlet-api-java, libjackson2-databind-java).

import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fourLetterWord, JAVA_CLASSPATH } from '../support/java-server';
import { LOOPBACK, type EnsembleMember } from '../support/java-ensemble';
import { captureOutput, stopChild } from '../support/process';
import { prepareMemberDirs, type Member } from '../quorum/ensemble-support';

const ADMIN_JARS = [
  'jetty9-server', 'jetty9-servlet', 'jetty9-security', 'jetty9-http', 'jetty9-io', 'jetty9-util',
  'servlet-api', 'jackson-databind', 'jackson-core', 'jackson-annotations',
].map((j) => `/usr/share/java/${j}.jar`);

export async function startJavaAdminMember(myId: number, members: readonly EnsembleMember[], adminPort: number, config: Record<string, string> = {}): Promise<Member> {
  const me = members.find((m) => m.sid === myId);
  if (me === undefined) throw new Error(`server ${myId} is not in the member list`);
  const { dataDir, confDir, cfgFile } = prepareMemberDirs(myId, members, {
    prefix: 'zkts-java-admin-q',
    config: { 'admin.enableServer': 'true', 'admin.serverAddress': LOOPBACK, 'admin.serverPort': String(adminPort), ...config },
  });
  const args = [
    '-Xshare:auto', '-Dorg.slf4j.simpleLogger.defaultLogLevel=info', '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp', [JAVA_CLASSPATH, ...ADMIN_JARS].join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfgFile,
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureOutput(child, `Java ${myId}`);
  const member: Member = {
    sid: myId,
    kind: 'java',
    clientPort: me.clientPort,
    dataDir,
    output: out.text,
    mode: async () => {
      try {
        return /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, me.clientPort, 'srvr', 2000))?.[1] ?? null;
      } catch {
        return null;
      }
    },
    stop: async () => {
      await stopChild(child, 10_000);
      rmSync(confDir, { recursive: true, force: true });
    },
  };
  try {
    // The AdminServer starts before the election (QuorumPeer.start), so both are up by then.
    await out.match(/Started AdminServer on address/, 60_000);
    await out.match(/is accepting connections now, my election bind port/, 60_000);
  } catch (e) {
    await member.stop();
    throw e;
  }
  return member;
}
