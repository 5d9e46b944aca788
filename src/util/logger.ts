// The logger port. Modules receive a Logger (never import winston or a global); the composition
// root builds the winston-backed one and hands out children bound to sid, sessionId, peer, zxid.

import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger whose every line carries `bindings` as well. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** 'json' for one JSON object per line, 'text' for a human-readable line. */
  format?: 'json' | 'text';
  /** Where lines go; default stderr. */
  stream?: NodeJS.WritableStream;
}

// bigint fields (zxids, session ids) are printed in the reference's 0x-hex notation.
const hexBigints = winston.format((info) => {
  for (const [k, v] of Object.entries(info)) if (typeof v === 'bigint') (info as Record<string, unknown>)[k] = `0x${v.toString(16)}`;
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(hexBigints(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          hexBigints(),
          winston.format.timestamp(),
          winston.format.printf(({ timestamp, level, message, ...rest }) => {
            const extra = Object.entries(rest)
              .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
              .join(' ');
            return `${String(timestamp)} ${level.toUpperCase()} ${String(message)}${extra ? ` ${extra}` : ''}`;
          }),
        );
  const w = winston.createLogger({
    level: options.level ?? 'info',
    format,
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
  return wrap(w);
}

function wrap(w: winston.Logger): Logger {
  return {
    error: (m, f) => w.error(m, f),
    warn: (m, f) => w.warn(m, f),
    info: (m, f) => w.info(m, f),
    debug: (m, f) => w.debug(m, f),
    child: (bindings) => wrap(w.child(bindings)),
  };
}

/** A logger that drops everything (tests, embedding without logs). */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
