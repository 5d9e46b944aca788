// zoo.cfg -> validated, frozen ServerConfig (every error at once), and ServerConfig -> ServerOptions.

export { ConfigError, type ConfigProblem, type SettingSource } from './errors';
export { loadConfig } from './load';
export { parseZooCfg, type ParseOptions, type ParseResult } from './parse';
export { readProperties, type PropertiesEntry } from './properties';
export { NoClientPortError, toServerOptions } from './server-options';
export { environmentProperties, parseJvmFlags, propertySpec, type EnvironmentInput, type JvmFlag } from './system-properties';
export type * from './types';
