// Public API of the zkts package: the embeddable server and the protocol layer.

export { startServer } from './embedded';
export type { EmbeddedServer, StartServerOptions } from './embedded';
export { ZkServer } from './server/zk-server';
export type { ServerOptions } from './server/options';

export * as jute from './protocol/generated';
export { JuteDecodeError, JUTE_MAXBUFFER_DEFAULT } from './protocol/jute/runtime';
export type { DecodeLimits, JuteCodec, JuteErrorCode } from './protocol/jute/runtime';
export { FrameDecoder, FrameError, frame } from './protocol/frame-decoder';
export { createLogger, silentLogger } from './util/logger';
export type { Logger, LogFields } from './util/logger';
export { ZKTS_VERSION, REFERENCE_VERSION } from './version';
