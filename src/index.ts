// Public API of the zkts package. The embeddable `startServer()` arrives with the standalone server;
// today the package exports the protocol layer: Jute codecs and the frame decoder.

export * as jute from './protocol/generated';
export { JuteDecodeError, JUTE_MAXBUFFER_DEFAULT } from './protocol/jute/runtime';
export type { DecodeLimits, JuteCodec, JuteErrorCode } from './protocol/jute/runtime';
export { FrameDecoder, FrameError, frame } from './protocol/frame-decoder';
export { createLogger, silentLogger } from './util/logger';
export type { Logger, LogFields } from './util/logger';
export { ZKTS_VERSION, REFERENCE_VERSION } from './version';
