// The AdminServer's HTTP surface as the reference's Jetty servlet answers it (observed on Debian's
// 3.8.0 with the servlet API on its classpath, and from JettyAdminServer.java / HttpServlet):
// the link list, byte-exact JSON layout, unknown commands, paths outside the prefix, methods,
// malformed requests, a custom command URL, a taken port and the idle timeout.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminServerError } from '../../src/admin';
import { startServer, type EmbeddedServer } from '../../src/index';
import { http, rawHttp } from './support';

/** Commands.java's registered primary names (each command's first name). */
const PRIMARY_NAMES = [
  'connection_stat_reset', 'configuration', 'connections', 'hash', 'dirs', 'dump', 'environment', 'get_trace_mask',
  'initial_configuration', 'is_read_only', 'last_snapshot', 'leader', 'monitor', 'observer_connection_stat_reset', 'ruok',
  'set_trace_mask', 'server_stats', 'stats', 'stat_reset', 'observers', 'system_properties', 'voting_view', 'watches',
  'watches_by_path', 'watch_summary', 'zabstate',
];

async function admin(t: { teardown: (f: () => Promise<void>) => void }, commandUrl?: string): Promise<EmbeddedServer & { base: string }> {
  const s = await startServer({ admin: { enabled: true, ...(commandUrl !== undefined ? { commandUrl } : {}) } });
  t.teardown(() => s.stop());
  return { ...s, base: `http://127.0.0.1:${s.admin!.port}` };
}

test('GET <commandURL> lists a link per primary name, sorted, as println lines', async (t) => {
  const s = await admin(t);
  const expected = [...PRIMARY_NAMES].sort().map((n) => `<a href="/commands/${n}">${n}</a>\n<br/>\n`).join('');
  for (const path of ['/commands', '/commands/', '/commands?x=1']) {
    const r = await http(`${s.base}${path}`);
    t.is(r.status, 200, path);
    t.is(r.body, expected, path);
    t.is(r.headers['content-type'], undefined, 'the servlet sets no content type for the list');
  }
});

test('the JSON layout is Jackson\'s default pretty printer, byte for byte', async (t) => {
  const s = await admin(t);
  // The bodies Debian's 3.8.0 sends for these (no trailing newline).
  const ruok = await http(`${s.base}/commands/ruok`);
  t.is(ruok.body, '{\n  "command" : "ruok",\n  "error" : null\n}');
  t.is(ruok.headers['content-length'], '42');
  t.is((await http(`${s.base}/commands/lead`)).body, '{\n  "error" : "server is not initialized",\n  "command" : "leader"\n}');
  t.is((await http(`${s.base}/commands/zabstate`)).body, '{\n  "voting" : false,\n  "zabstate" : "",\n  "command" : "zabstate",\n  "error" : null\n}');
  t.is((await http(`${s.base}/commands/voting_view`)).body, '{\n  "current_config" : { },\n  "command" : "voting_view",\n  "error" : null\n}');
  t.is((await http(`${s.base}/commands/obsr`)).body, '{\n  "synced_observers" : 0,\n  "observers" : [ ],\n  "command" : "observers",\n  "error" : null\n}');
  // Nested: arrays stay on one line and add no indentation level; objects inside them do.
  const stats = (await http(`${s.base}/commands/stats`)).body;
  t.regex(stats, /\n {2}"server_stats" : \{\n {4}"packets_sent" : \d+,\n/);
  t.regex(stats, /\n {4}"client_response_stats" : \{\n {6}"last_buffer_size" : -?\d+,\n {6}"min_buffer_size" : -?\d+,\n {6}"max_buffer_size" : -?\d+\n {4}\},\n/);
  t.regex(stats, /\n {4}"avg_latency" : \d+\.\d+,\n/);
  t.regex(stats, /\n {2}"connections" : \[ \],\n {2}"secure_connections" : \[ \],\n {2}"command" : "stats",\n {2}"error" : null\n\}$/);
});

test('an unknown command is HTTP 200 with the reference\'s error; names are case-sensitive and decoded', async (t) => {
  const s = await admin(t);
  const cases: [string, string][] = [
    ['nosuch', 'nosuch'],
    ['RUOK', 'RUOK'],
    ['ruok/', 'ruok/'],
    ['ruok/x', 'ruok/x'],
    ['%2Fruok', '/ruok'],
    ['a%22b', 'a"b'],
    ['%C3%A9', 'é'],
  ];
  for (const [path, name] of cases) {
    const r = await http(`${s.base}/commands/${path}`);
    t.is(r.status, 200, path);
    t.is(r.body, `{\n  "command" : ${JSON.stringify(name)},\n  "error" : ${JSON.stringify(`Unknown command: ${name}`)}\n}`, path);
  }
  t.is((await http(`${s.base}/commands/%72uok`)).body, '{\n  "command" : "ruok",\n  "error" : null\n}');
});

test('paths outside the command URL are 404; HEAD answers headers only', async (t) => {
  const s = await admin(t);
  for (const path of ['/', '/foo', '/commandsx', '/COMMANDS', '/foo/commands/ruok']) {
    const r = await http(`${s.base}${path}`);
    t.is(r.status, 404, path);
    t.regex(r.body, /Not Found/);
  }
  const head = await http(`${s.base}/commands/ruok`, 'HEAD');
  t.is(head.status, 200);
  t.is(head.body, '');
  t.is(head.headers['content-length'], '42');
  t.is(head.headers['content-type'], 'application/json');
  t.is((await http(`${s.base}/foo`, 'HEAD')).status, 404);
});

test('methods: POST 405, PUT/DELETE 405, TRACE 403, OPTIONS 200 with Allow, others 501', async (t) => {
  const s = await admin(t);
  for (const path of ['/commands/ruok', '/commands', '/foo']) {
    const post = await http(`${s.base}${path}`, 'POST');
    t.is(post.status, 405, path);
    t.regex(post.body, /HTTP method POST is not supported by this URL/);
    t.is((await http(`${s.base}${path}`, 'PUT')).status, 405, path);
    t.is((await http(`${s.base}${path}`, 'DELETE')).status, 405, path);
    t.is((await http(`${s.base}${path}`, 'TRACE')).status, 403, path);
    const options = await http(`${s.base}${path}`, 'OPTIONS');
    t.is(options.status, 200, path);
    t.is(options.headers.allow, 'GET, HEAD, TRACE, OPTIONS');
    t.is((await http(`${s.base}${path}`, 'PATCH')).status, 501, path);
  }
  // HttpServlet answers POST on HTTP/1.0 with 400.
  const old = await rawHttp('127.0.0.1', s.admin!.port, 'POST /commands/ruok HTTP/1.0\r\nContent-Length: 0\r\n\r\n');
  t.regex(old, /^HTTP\/1\.1 400 /);
  // A method the HTTP parser does not know.
  const foo = await rawHttp('127.0.0.1', s.admin!.port, 'FOO /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n');
  t.regex(foo, /^HTTP\/1\.1 501 /);
});

test('malformed requests get 400 and the server keeps serving', async (t) => {
  const s = await admin(t);
  for (const path of ['/commands/%zz', '/commands/r%00uok']) {
    const r = await http(`${s.base}${path}`);
    t.is(r.status, 400, path);
  }
  t.regex(await rawHttp('127.0.0.1', s.admin!.port, 'GET /commands/ruok HTTP/1.1\r\nHost x\r\n\r\n'), /^HTTP\/1\.1 400 /);
  t.regex(await rawHttp('127.0.0.1', s.admin!.port, '\x00\x01\x02 garbage\r\n\r\n'), /^HTTP\/1\.1 [45]\d\d /);
  const huge = `GET /commands/ruok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`;
  t.regex(await rawHttp('127.0.0.1', s.admin!.port, huge), /^HTTP\/1\.1 431 /);
  t.is((await http(`${s.base}/commands/ruok`)).status, 200);
  t.is((await http(`${s.base}/commands/../commands/ruok`)).status, 200);
});

test('a custom command URL moves the whole tree', async (t) => {
  const s = await admin(t, '/admin/cmds');
  const list = await http(`${s.base}/admin/cmds`);
  t.true(list.body.startsWith('<a href="/admin/cmds/configuration">configuration</a>\n<br/>\n'));
  t.is((await http(`${s.base}/admin/cmds/ruok`)).body, '{\n  "command" : "ruok",\n  "error" : null\n}');
  t.is((await http(`${s.base}/commands/ruok`)).status, 404);
  t.is(s.admin!.url, `${s.base}/admin/cmds`);
});

test('a taken admin port fails the start with the reference\'s message; the database is released', async (t) => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as { port: number }).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'zkts-admin-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const e = await t.throwsAsync(startServer({ dataDir, admin: { enabled: true, host: '127.0.0.1', port } }));
  t.true(e instanceof AdminServerError);
  t.true(e!.message.startsWith(`Problem starting AdminServer on address 127.0.0.1, port ${port} and command URL /commands`));
  // The failed start closed the database: the same dataDir serves again.
  const again = await startServer({ dataDir });
  await again.stop();
  t.pass();
});

test('a command URL not starting with / is refused at start', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zkts-admin-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const e = await t.throwsAsync(startServer({ dataDir, admin: { enabled: true, commandUrl: 'commands' } }));
  t.true(e instanceof AdminServerError);
});

test('an idle HTTP connection is closed after admin.idleTimeout', async (t) => {
  const s = await startServer({ admin: { enabled: true, idleTimeoutMs: 200 } });
  t.teardown(() => s.stop());
  const closedBy = await new Promise<string>((resolve, reject) => {
    let got = '';
    const sock = connect({ host: '127.0.0.1', port: s.admin!.port }, () => sock.write('GET /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n'));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('the idle connection was not closed within 10 s'));
    }, 10_000);
    sock.on('data', (c: Buffer) => (got += c.toString()));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
  t.regex(closedBy, /^HTTP\/1\.1 200 /, 'answered, then closed while idle');
});

test('the AdminServer stops with the server', async (t) => {
  const s = await startServer({ admin: { enabled: true } });
  const url = `${s.admin!.url}/ruok`;
  t.is((await http(url)).status, 200);
  await s.stop();
  await t.throwsAsync(http(url), { code: 'ECONNREFUSED' });
});
