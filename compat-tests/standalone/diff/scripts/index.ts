// Every differential script, in the order the suite runs them.

import type { Script } from '../../../../test/support/differential';
import { acl } from './acl';
import { crud } from './crud';
import { extended } from './extended';
import { multi } from './multi';
import { protocol } from './protocol';
import { reconnectWatches } from './reconnect-watches';
import { sessions } from './sessions';
import { watches } from './watches';

export const SCRIPTS: readonly Script[] = [crud, watches, sessions, reconnectWatches, acl, multi, protocol, extended];
