// A node-zookeeper-client session for tests against an in-process server: connected, or a clear
// failure after a bounded wait.

import * as zookeeper from 'node-zookeeper-client';

export async function connectedClient(connectString: string, timeoutMs = 10_000): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 0 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      c.close();
      reject(new Error(`no session in ${timeoutMs} ms`));
    }, timeoutMs);
    c.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    c.connect();
  });
  return c;
}
