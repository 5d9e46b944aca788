// Configuration problems are collected, not thrown one by one: an operator fixing a zoo.cfg sees
// every bad key in one run.

/** Where a setting came from: the zoo.cfg itself, or a -D flag in one of zkServer.sh's variables. */
export type SettingSource = 'zoo.cfg' | 'dynamic config' | 'SERVER_JVMFLAGS' | 'JVMFLAGS' | 'ZOO_DATADIR_AUTOCREATE_DISABLE' | 'myid';

export interface ConfigProblem {
  /** The key as written (zoo.cfg key, or the system property name for -D flags). */
  readonly key: string;
  readonly source: SettingSource;
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(
    /** The zoo.cfg the problems belong to. */
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(file, problems));
  }
}

function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const n = problems.length;
  const lines = problems.map((p) => `  ${describeKey(p)}: ${p.message}`);
  return `${file}: ${n} configuration error${n === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

export function describeKey(p: Pick<ConfigProblem, 'key' | 'source'>): string {
  switch (p.source) {
    case 'zoo.cfg':
      return p.key;
    case 'SERVER_JVMFLAGS':
    case 'JVMFLAGS':
      return `${p.key} (-D in ${p.source})`;
    default:
      return `${p.key} (${p.source})`;
  }
}

/** Collects errors and warnings while a config is read. */
export class Problems {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: string[] = [];

  error(key: string, message: string, source: SettingSource = 'zoo.cfg'): void {
    this.errors.push({ key, source, message });
  }

  warn(key: string, message: string, source: SettingSource = 'zoo.cfg'): void {
    this.warnings.push(`${describeKey({ key, source })}: ${message}`);
  }

  throwIfAny(file: string): void {
    if (this.errors.length > 0) throw new ConfigError(file, this.errors);
  }
}
