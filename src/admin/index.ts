// The AdminServer (the reference's JettyAdminServer and Commands) for zkts.

export { ADMIN_COMMANDS, primaryNames, runCommand } from './commands';
export { prettyJson, JavaDouble, type JsonValue, type JsonObject } from './json';
export { ADMIN_DEFAULTS, type AdminServerOptions } from './options';
export { AdminServer, AdminServerError } from './server';
export { zkServerSource, type AdminSource, type SnapshotInfo } from './source';
