// Sessions: ids, passwords, expiry buckets and the tracker.

export { ExpiryQueue, type ExpiryBucket } from './expiry-queue';
export { checkSessionPassword, sessionPassword } from './password';
export { initialSessionId, nextSessionId, serverIdOfSession } from './session-id';
export { SessionTracker, negotiateTimeout, type SessionCheck, type SessionInfo, type SessionTrackerOptions } from './tracker';
export { LOCAL_OWNER, isSessionMovedTxn, learnerOwner } from './owners';
export { LocalSessions, leaderPrepSessions, type LocalSessionsOptions, type UpgradeNeed } from './local-sessions';
