// Watches: registrations, triggers, reconnect catch-up, checkWatches/removeWatches, 4lw views.

export {
  AddWatchMode,
  SYNC_CONNECTED,
  WatchArgumentError,
  WatchManager,
  WatcherType,
  type SetWatchesLists,
  type SetWatchesOutcome,
  type WatchDelivery,
  type WatchEvent,
  type WatchManagerOptions,
  type WatchSummary,
  type WatchZxidSource,
} from './watch-manager';
export { EventType, WatchMode, WatchTable, type WatchModeValue } from './watch-table';
