// Fast leader election: wire codecs, the pure machine, and the shell that runs it.
export * from './notification';
export * from './initial-message';
export * from './config-text';
export * from './votes';
export * from './fle-machine';
export * from './runner';
export * from './election-node';
