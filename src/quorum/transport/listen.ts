// Binding a quorum-side listening socket (election port, the leader's quorum port, an observer
// master's port): resolves once listening, rejects with the bind error (the callers turn it into
// the reference's exit or role failure), and afterwards never lets a server error throw.

import { createServer, type Server, type Socket } from 'node:net';

export interface ListenOptions {
  /** undefined: the wildcard address (quorumListenOnAllIPs; [::] taking IPv4 too where there is IPv6). */
  readonly host: string | undefined;
  readonly port: number;
  readonly backlog?: number;
  /** Not shared with cluster workers (the election port must be bound by this process alone). */
  readonly exclusive?: boolean;
}

export function listenOn(o: ListenOptions, onConnection: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    const fail = (e: Error): void => {
      server.close();
      reject(e);
    };
    server.once('error', fail);
    server.listen(
      {
        ...(o.host === undefined ? {} : { host: o.host }),
        port: o.port,
        ...(o.backlog === undefined ? {} : { backlog: o.backlog }),
        ...(o.exclusive === undefined ? {} : { exclusive: o.exclusive }),
      },
      () => {
        server.off('error', fail);
        server.on('error', () => undefined);
        resolve(server);
      },
    );
  });
}
