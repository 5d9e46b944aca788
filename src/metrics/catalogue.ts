// The reference's server metrics (ServerMetrics.java, release-3.8.0-1), in the order its
// constructor registers them (that order decides where mntr prints them), each with its kind and
// what zkts does with it:
//
//   measured  zkts has the same mechanism and tracks it.
//   absent    the reference measures a mechanism zkts does not have (a queue, a cache, a thread,
//             the JVM): the metric stays at zero / never observed, which is true for zkts.
//   quorum    only a leader, follower or observer moves it: zero on a standalone server, as on
//             the reference's standalone server.
//   omitted   zkts has the mechanism but does not count it (yet): not printed, rather than a false 0.
//
// docs/metrics.md lists the reason for every absent and omitted metric.

import type { DetailLevel } from './summary';

export type MetricStatus = 'measured' | 'absent' | 'quorum' | 'omitted';

export interface CatalogueEntry {
  name: string;
  kind: 'counter' | 'counterSet' | 'summary' | 'summarySet';
  detail?: DetailLevel;
  status: MetricStatus;
}

const c = (name: string, status: MetricStatus): CatalogueEntry => ({ name, kind: 'counter', status });
const b = (name: string, status: MetricStatus): CatalogueEntry => ({ name, kind: 'summary', detail: 'basic', status });
const a = (name: string, status: MetricStatus): CatalogueEntry => ({ name, kind: 'summary', detail: 'advanced', status });
const bs = (name: string, status: MetricStatus): CatalogueEntry => ({ name, kind: 'summarySet', detail: 'basic', status });
const as = (name: string, status: MetricStatus): CatalogueEntry => ({ name, kind: 'summarySet', detail: 'advanced', status });

export const SERVER_METRICS: readonly CatalogueEntry[] = [
  b('fsynctime', 'measured'),
  b('snapshottime', 'measured'),
  b('dbinittime', 'measured'),
  a('readlatency', 'measured'),
  a('updatelatency', 'measured'),
  a('propagation_latency', 'measured'),
  b('follower_sync_time', 'quorum'),
  b('observer_sync_time', 'quorum'),
  b('election_time', 'quorum'),
  c('looking_count', 'quorum'),
  c('diff_count', 'quorum'),
  c('snap_count', 'quorum'),
  c('commit_count', 'quorum'),
  c('connection_request_count', 'measured'),
  b('connection_token_deficit', 'absent'),
  c('connection_rejected', 'measured'),
  b('inflight_snap_count', 'quorum'),
  b('inflight_diff_count', 'quorum'),
  bs('write_per_namespace', 'measured'),
  bs('read_per_namespace', 'measured'),
  c('bytes_received_count', 'measured'),
  c('unrecoverable_error_count', 'measured'),
  b('node_created_watch_count', 'measured'),
  b('node_deleted_watch_count', 'measured'),
  b('node_changed_watch_count', 'measured'),
  b('node_children_watch_count', 'measured'),
  c('add_dead_watcher_stall_time', 'absent'),
  c('dead_watchers_queued', 'absent'),
  c('dead_watchers_cleared', 'absent'),
  a('dead_watchers_cleaner_latency', 'absent'),
  c('response_packet_cache_hits', 'absent'),
  c('response_packet_cache_misses', 'absent'),
  c('response_packet_get_children_cache_hits', 'absent'),
  c('response_packet_get_children_cache_misses', 'absent'),
  c('ensemble_auth_success', 'quorum'),
  c('ensemble_auth_fail', 'quorum'),
  c('ensemble_auth_skip', 'quorum'),
  a('prep_processor_queue_time_ms', 'absent'),
  b('prep_processor_queue_size', 'absent'),
  c('prep_processor_request_queued', 'measured'),
  c('outstanding_changes_queued', 'omitted'),
  c('outstanding_changes_removed', 'omitted'),
  b('prep_process_time', 'measured'),
  b('proposal_process_time', 'measured'),
  a('close_session_prep_time', 'measured'),
  c('revalidate_count', 'quorum'),
  c('connection_drop_count', 'measured'),
  c('connection_revalidate_count', 'quorum'),
  c('sessionless_connections_expired', 'absent'),
  c('stale_sessions_expired', 'measured'),
  b('unavailable_time', 'quorum'),
  b('leader_unavailable_time', 'quorum'),
  b('requests_in_session_queue', 'quorum'),
  b('pending_session_queue_size', 'quorum'),
  b('reads_after_write_in_session_queue', 'quorum'),
  b('reads_issued_from_session_queue', 'quorum'),
  b('session_queues_drained', 'quorum'),
  b('time_waiting_empty_pool_in_commit_processor_read_ms', 'quorum'),
  b('write_batch_time_in_commit_processor', 'quorum'),
  b('concurrent_request_processing_in_commit_processor', 'quorum'),
  b('read_commit_proc_req_queued', 'quorum'),
  b('write_commit_proc_req_queued', 'quorum'),
  b('commit_commit_proc_req_queued', 'quorum'),
  c('request_commit_queued', 'quorum'),
  b('read_commit_proc_issued', 'quorum'),
  b('write_commit_proc_issued', 'quorum'),
  c('throttled_ops', 'absent'),
  a('read_commitproc_time_ms', 'quorum'),
  a('write_commitproc_time_ms', 'quorum'),
  a('local_write_committed_time_ms', 'quorum'),
  a('server_write_committed_time_ms', 'quorum'),
  b('commit_process_time', 'quorum'),
  a('om_proposal_process_time_ms', 'quorum'),
  a('om_commit_process_time_ms', 'quorum'),
  a('read_final_proc_time_ms', 'quorum'),
  a('write_final_proc_time_ms', 'quorum'),
  a('proposal_latency', 'quorum'),
  a('proposal_ack_creation_latency', 'quorum'),
  a('commit_propagation_latency', 'quorum'),
  c('learner_proposal_received_count', 'quorum'),
  c('learner_commit_received_count', 'quorum'),
  bs('learner_handler_qp_size', 'quorum'),
  as('learner_handler_qp_time_ms', 'quorum'),
  b('startup_txns_loaded', 'measured'),
  b('startup_txns_load_time', 'measured'),
  b('startup_snap_load_time', 'measured'),
  a('sync_processor_queue_and_flush_time_ms', 'measured'),
  b('sync_processor_queue_size', 'measured'),
  c('sync_processor_request_queued', 'measured'),
  a('sync_processor_queue_time_ms', 'measured'),
  a('sync_processor_queue_flush_time_ms', 'measured'),
  b('sync_process_time', 'omitted'),
  b('sync_processor_batch_size', 'measured'),
  a('quorum_ack_latency', 'quorum'),
  as('ack_latency', 'quorum'),
  c('proposal_count', 'quorum'),
  c('quit_leading_due_to_disloyal_voter', 'quorum'),
  c('stale_requests', 'absent'),
  c('stale_requests_dropped', 'absent'),
  c('stale_replies', 'measured'),
  a('request_throttle_queue_time_ms', 'absent'),
  c('request_throttle_wait_count', 'absent'),
  c('large_requests_rejected', 'absent'),
  b('netty_queued_buffer_capacity', 'absent'),
  c('digest_mismatches_count', 'measured'),
  b('learner_request_processor_queue_size', 'quorum'),
  c('unsuccessful_handshake', 'absent'),
  c('insecure_admin_count', 'absent'),
  c('tls_handshake_exceeded', 'absent'),
  c('cnxn_closed_without_zk_server_running', 'measured'),
  c('skip_learner_request_to_next_processor_count', 'quorum'),
  b('socket_closing_time', 'quorum'),
  c('requests_not_forwarded_to_commit_processor', 'quorum'),
  c('response_bytes', 'measured'),
  c('watch_bytes', 'measured'),
  a('jvm_pause_time_ms', 'absent'),
  { name: 'quota_exceeded_error_per_namespace', kind: 'counterSet', status: 'measured' },
];

/** The gauges ZooKeeperServer.registerMetrics registers, in its order (all true for zkts). */
export const SERVER_GAUGES = [
  'avg_latency',
  'max_latency',
  'min_latency',
  'packets_received',
  'packets_sent',
  'num_alive_connections',
  'outstanding_requests',
  'uptime',
  'znode_count',
  'watch_count',
  'ephemerals_count',
  'approximate_data_size',
  'global_sessions',
  'local_sessions',
  'open_file_descriptor_count',
  'max_file_descriptor_count',
  'connection_drop_probability',
  'last_client_response_size',
  'max_client_response_size',
  'min_client_response_size',
  'outstanding_tls_handshake',
  'auth_failed_count',
  'non_mtls_remote_conn_count',
  'non_mtls_local_conn_count',
] as const;

export type ServerGaugeName = (typeof SERVER_GAUGES)[number];

/** Gauges whose reference value is a Java double (printed 0.0, 2.5): the rest are longs. */
export const DOUBLE_GAUGES: ReadonlySet<string> = new Set(['avg_latency', 'connection_drop_probability']);

/** The per-namespace quota gauge sets (QuotaMetricsUtils), registered after the gauges. */
export const QUOTA_GAUGE_SETS = [
  'quota_count_limit_per_namespace',
  'quota_bytes_limit_per_namespace',
  'quota_count_usage_per_namespace',
  'quota_bytes_usage_per_namespace',
] as const;

/** Gauges a quorum member adds (QuorumZooKeeperServer, LeaderZooKeeperServer, FollowerZooKeeperServer). */
export const ROLE_GAUGES: Readonly<Record<'leader' | 'follower' | 'observer', readonly string[]>> = {
  leader: [
    'quorum_size',
    'learners',
    'synced_followers',
    'synced_non_voting_followers',
    'synced_observers',
    'pending_syncs',
    'leader_uptime',
    'last_proposal_size',
    'max_proposal_size',
    'min_proposal_size',
  ],
  follower: ['quorum_size', 'synced_observers'],
  observer: ['quorum_size'],
};
