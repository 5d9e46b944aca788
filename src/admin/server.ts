// The AdminServer: HTTP on node:http, answering as the reference's Jetty servlet does.
//   GET|HEAD <commandURL>[/]          links to every command (primary names, sorted)
//   GET|HEAD <commandURL>/<name>      the command's JSON (200, also for an unknown command)
//   GET|HEAD anything else            404
//   POST 405 (400 on HTTP/1.0), PUT/DELETE 405, TRACE 403, OPTIONS 200 with Allow, others 501.
// A request the HTTP parser rejects gets its status and the connection closes; nothing a client
// sends can stop the server.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { silentLogger, type Logger } from '../util/logger';
import { primaryNames, runCommand } from './commands';
import { prettyJson } from './json';
import { ADMIN_DEFAULTS, type AdminServerOptions } from './options';
import type { AdminSource } from './source';

/** The AdminServer could not start (ZooKeeperServerMain exits with ERROR_STARTING_ADMIN_SERVER). */
export class AdminServerError extends Error {
  override readonly name = 'AdminServerError';
  readonly code = 'ADMIN_SERVER_START';
}

const ALLOW = 'GET, HEAD, TRACE, OPTIONS';

export class AdminServer {
  private constructor(
    private readonly http: Server,
    readonly commandUrl: string,
    private readonly source: AdminSource,
    private readonly log: Logger,
  ) {}

  static async start(opts: AdminServerOptions, source: AdminSource, logger: Logger = silentLogger): Promise<AdminServer> {
    const host = opts.host ?? ADMIN_DEFAULTS.host;
    const port = opts.port ?? ADMIN_DEFAULTS.port;
    const commandUrl = opts.commandUrl ?? ADMIN_DEFAULTS.commandUrl;
    const idleMs = opts.idleTimeoutMs ?? ADMIN_DEFAULTS.idleTimeoutMs;
    const problem = `Problem starting AdminServer on address ${host}, port ${port} and command URL ${commandUrl}`;
    // Jetty refuses a servlet path that does not start with '/'.
    if (!commandUrl.startsWith('/')) throw new AdminServerError(`${problem}: the command URL must start with '/'`);
    const http = createServer();
    const admin = new AdminServer(http, commandUrl.replace(/\/+$/, ''), source, logger);
    http.keepAliveTimeout = idleMs;
    http.timeout = idleMs;
    http.on('request', (req: IncomingMessage, res: ServerResponse) => admin.handle(req, res));
    http.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => rejectRequest(err, socket));
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error): void => reject(new AdminServerError(`${problem}: ${e.message}`, { cause: e }));
      http.once('error', fail);
      http.listen({ host, port }, () => {
        http.off('error', fail);
        resolve();
      });
    });
    http.on('error', (e) => logger.warn('AdminServer error', { error: e.message }));
    logger.info(`Started AdminServer on address ${host}, port ${admin.address.port} and command URL ${commandUrl}`);
    return admin;
  }

  get address(): { host: string; port: number } {
    const a = this.http.address();
    if (a === null || typeof a === 'string') throw new Error('AdminServer is not listening');
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    if (!this.http.listening) return;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.route(req, res);
    } catch (e) {
      this.log.warn('AdminServer request failed', { url: req.url, error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) send(res, 500, 'text/plain;charset=utf-8', 'Internal Server Error\n');
      else res.destroy();
    }
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    if (method === 'TRACE') return send(res, 403);
    if (method === 'OPTIONS') {
      res.setHeader('Allow', ALLOW);
      return send(res, 200);
    }
    // HttpServlet's doPost/doPut/doDelete defaults; Jetty renders an error page for POST only.
    if (method === 'POST') return errorPage(res, req.httpVersion === '1.0' ? 400 : 405, 'HTTP method POST is not supported by this URL', target);
    if (method === 'PUT' || method === 'DELETE') return send(res, 405);
    if (method !== 'GET' && method !== 'HEAD') return send(res, 501);

    let url: URL;
    try {
      // Origin-form targets are joined as text: a `//x` path is not a host.
      url = new URL(target.startsWith('/') ? `http://admin${target}` : target);
    } catch {
      return badRequest(res);
    }
    const path = url.pathname;
    if (path !== this.commandUrl && !path.startsWith(`${this.commandUrl}/`)) return errorPage(res, 404, 'Not Found', path);
    const rest = path.slice(this.commandUrl.length);
    if (rest === '' || rest === '/') return send(res, 200, null, this.links());
    let name: string;
    try {
      name = decodeURIComponent(rest.slice(1));
    } catch {
      return badRequest(res);
    }
    if (name.includes('\0')) return badRequest(res);
    const args = new Map<string, string>();
    for (const [k, v] of url.searchParams) if (!args.has(k)) args.set(k, v);
    const body = prettyJson(runCommand(name, { source: this.source, args }));
    send(res, 200, 'application/json', body);
  }

  /** JettyAdminServer.commandLinks(), one println per line. */
  private links(): string {
    return primaryNames()
      .map((n) => `<a href="${this.commandUrl}/${n}">${n}</a>\n<br/>\n`)
      .join('');
  }
}

/** Status, optional type and body; HEAD gets the headers only (node:http drops the body). */
function send(res: ServerResponse, status: number, contentType: string | null = null, body = ''): void {
  const bytes = Buffer.from(body, 'utf8');
  res.statusCode = status;
  if (contentType !== null) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

function errorPage(res: ServerResponse, status: number, message: string, uri: string): void {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.setHeader('Cache-Control', 'must-revalidate,no-cache,no-store');
  const title = `Error ${status} ${esc(message)}`;
  const html = `<html>\n<head><title>${title}</title></head>\n<body><h2>HTTP ERROR ${status} ${esc(message)}</h2>\n<p>URI: ${esc(uri)}</p>\n</body>\n</html>\n`;
  send(res, status, 'text/html;charset=iso-8859-1', html);
}

function badRequest(res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  send(res, 400, 'text/html;charset=iso-8859-1', '<h1>Bad Message 400</h1><pre>reason: Bad Request</pre>');
}

/** What the HTTP parser refused: Jetty answers an unknown method 501, oversized headers 431. */
function rejectRequest(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_INVALID_METHOD' ? '501 Not Implemented' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
