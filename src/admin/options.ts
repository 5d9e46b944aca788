// AdminServer settings (the reference's admin.* / zookeeper.admin.* properties).

export interface AdminServerOptions {
  /** admin.enableServer. */
  enabled: boolean;
  /** admin.serverAddress; default 0.0.0.0, as the reference. */
  host?: string;
  /** admin.serverPort; default 8080. 0 picks a free port (tests). */
  port?: number;
  /** admin.commandURL; default /commands. Must start with `/`. */
  commandUrl?: string;
  /** admin.idleTimeout: an idle connection is closed after this long (0 = never). Default 30000. */
  idleTimeoutMs?: number;
}

export const ADMIN_DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  commandUrl: '/commands',
  idleTimeoutMs: 30_000,
} as const;
