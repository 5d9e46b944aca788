// The version zkts reports, and the reference version it is compatible with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ZKTS_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The Apache ZooKeeper release whose protocol and formats zkts speaks. */
export const REFERENCE_VERSION = '3.8.0';
