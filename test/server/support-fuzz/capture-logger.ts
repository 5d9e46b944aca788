// A Logger that keeps every line (all levels) in memory, child bindings merged into the fields.

import type { LogFields, Logger, LogLevel } from '../../../src/util/logger';

export interface CapturedLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

export function captureLogger(lines: CapturedLine[], bindings: LogFields = {}): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields: { ...bindings, ...(fields ?? {}) } });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => captureLogger(lines, { ...bindings, ...more }),
  };
}
