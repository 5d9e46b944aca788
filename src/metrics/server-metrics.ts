// The server's metrics: the reference's ServerMetrics catalogue on one registry, with typed
// handles for the ones zkts measures (the hot path updates these objects directly), the
// ZooKeeperServer gauges, the quota gauge sets, and a hook for the quorum roles' gauges.

import { Counter, CounterSet, SummarySet } from './counter';
import { DOUBLE_GAUGES, QUOTA_GAUGE_SETS, ROLE_GAUGES, SERVER_GAUGES, SERVER_METRICS, type ServerGaugeName } from './catalogue';
import { MetricsRegistry } from './registry';
import { SUMMARY_WINDOW, type Summary } from './summary';

export type ServerRole = 'standalone' | 'leader' | 'follower' | 'observer';

export interface ServerMetricsOptions {
  /**
   * False when a provider that cannot reset owns the values (the reference's Prometheus provider
   * ignores `srst`: its counters must only grow). Default true.
   */
  resettable?: boolean;
  /** Keep a sample window for basic summaries too (an exporter reports their median). */
  basicSummaryQuantiles?: boolean;
}

/** The reference's BufferStats for client responses: -1 until the first response. */
export interface ResponseSizeStats {
  last: number;
  min: number;
  max: number;
}

export class ServerMetrics {
  readonly registry: MetricsRegistry;
  private readonly resettable: boolean;

  // counters
  readonly connectionRequestCount: Counter;
  readonly connectionRejected: Counter;
  readonly connectionDropCount: Counter;
  readonly cnxnClosedWithoutZkServerRunning: Counter;
  readonly bytesReceivedCount: Counter;
  readonly responseBytes: Counter;
  readonly watchBytes: Counter;
  readonly unrecoverableErrorCount: Counter;
  readonly prepProcessorRequestQueued: Counter;
  readonly syncProcessorRequestQueued: Counter;
  readonly staleSessionsExpired: Counter;
  readonly staleReplies: Counter;
  readonly digestMismatchesCount: Counter;
  /** Not moved by zkts's client port; here for an AdminServer that serves plain HTTP on a TLS port. */
  readonly insecureAdminCount: Counter;
  readonly quotaExceededErrorPerNamespace: CounterSet;

  // summaries
  readonly fsyncTime: Summary;
  readonly snapshotTime: Summary;
  readonly dbInitTime: Summary;
  readonly readLatency: Summary;
  readonly updateLatency: Summary;
  readonly propagationLatency: Summary;
  readonly nodeCreatedWatchCount: Summary;
  readonly nodeDeletedWatchCount: Summary;
  readonly nodeChangedWatchCount: Summary;
  readonly nodeChildrenWatchCount: Summary;
  readonly prepProcessTime: Summary;
  readonly proposalProcessTime: Summary;
  readonly closeSessionPrepTime: Summary;
  readonly startupTxnsLoaded: Summary;
  readonly startupTxnsLoadTime: Summary;
  readonly startupSnapLoadTime: Summary;
  readonly syncProcessorQueueAndFlushTime: Summary;
  readonly syncProcessorQueueSize: Summary;
  readonly syncProcessorQueueTime: Summary;
  readonly syncProcessorQueueFlushTime: Summary;
  readonly syncProcessorBatchSize: Summary;
  readonly writePerNamespace: SummarySet;
  readonly readPerNamespace: SummarySet;
  /** The leader's per-learner send queues, keyed by sid (learner-queue.ts). */
  readonly learnerHandlerQpSize: SummarySet;
  readonly learnerHandlerQpTime: SummarySet;
  /** Leader.processAck's sampled ack latencies, keyed by the acking sid. */
  readonly ackLatency: SummarySet;

  readonly clientResponseSize: ResponseSizeStats = { last: -1, min: -1, max: -1 };

  constructor(opts: ServerMetricsOptions = {}) {
    this.resettable = opts.resettable ?? true;
    this.registry = new MetricsRegistry({ basicSummaryWindow: opts.basicSummaryQuantiles === true ? SUMMARY_WINDOW : 0 });
    const r = this.registry;
    for (const m of SERVER_METRICS) {
      if (m.status === 'omitted') r.reserve(m.kind, m.name, m.detail);
      else if (m.kind === 'counter') r.counter(m.name);
      else if (m.kind === 'counterSet') r.counterSet(m.name);
      else if (m.kind === 'summary') r.summary(m.name, m.detail ?? 'basic');
      else r.summarySet(m.name, m.detail ?? 'basic');
    }
    // Handles by name: registry.counter/summary return the instance created above.
    const c = (n: string): Counter => r.counter(n);
    const s = (n: string, advanced = false): Summary => r.summary(n, advanced ? 'advanced' : 'basic');
    this.connectionRequestCount = c('connection_request_count');
    this.connectionRejected = c('connection_rejected');
    this.connectionDropCount = c('connection_drop_count');
    this.cnxnClosedWithoutZkServerRunning = c('cnxn_closed_without_zk_server_running');
    this.bytesReceivedCount = c('bytes_received_count');
    this.responseBytes = c('response_bytes');
    this.watchBytes = c('watch_bytes');
    this.unrecoverableErrorCount = c('unrecoverable_error_count');
    this.prepProcessorRequestQueued = c('prep_processor_request_queued');
    this.syncProcessorRequestQueued = c('sync_processor_request_queued');
    this.staleSessionsExpired = c('stale_sessions_expired');
    this.staleReplies = c('stale_replies');
    this.digestMismatchesCount = c('digest_mismatches_count');
    this.insecureAdminCount = c('insecure_admin_count');
    this.quotaExceededErrorPerNamespace = r.counterSet('quota_exceeded_error_per_namespace');
    this.fsyncTime = s('fsynctime');
    this.snapshotTime = s('snapshottime');
    this.dbInitTime = s('dbinittime');
    this.readLatency = s('readlatency', true);
    this.updateLatency = s('updatelatency', true);
    this.propagationLatency = s('propagation_latency', true);
    this.nodeCreatedWatchCount = s('node_created_watch_count');
    this.nodeDeletedWatchCount = s('node_deleted_watch_count');
    this.nodeChangedWatchCount = s('node_changed_watch_count');
    this.nodeChildrenWatchCount = s('node_children_watch_count');
    this.prepProcessTime = s('prep_process_time');
    this.proposalProcessTime = s('proposal_process_time');
    this.closeSessionPrepTime = s('close_session_prep_time', true);
    this.startupTxnsLoaded = s('startup_txns_loaded');
    this.startupTxnsLoadTime = s('startup_txns_load_time');
    this.startupSnapLoadTime = s('startup_snap_load_time');
    this.syncProcessorQueueAndFlushTime = s('sync_processor_queue_and_flush_time_ms', true);
    this.syncProcessorQueueSize = s('sync_processor_queue_size');
    this.syncProcessorQueueTime = s('sync_processor_queue_time_ms', true);
    this.syncProcessorQueueFlushTime = s('sync_processor_queue_flush_time_ms', true);
    this.syncProcessorBatchSize = s('sync_processor_batch_size');
    this.writePerNamespace = r.summarySet('write_per_namespace', 'basic');
    this.readPerNamespace = r.summarySet('read_per_namespace', 'basic');
    this.learnerHandlerQpSize = r.summarySet('learner_handler_qp_size', 'basic');
    this.learnerHandlerQpTime = r.summarySet('learner_handler_qp_time_ms', 'advanced');
    this.ackLatency = r.summarySet('ack_latency', 'advanced');
  }

  /** ZooKeeperServer.registerMetrics: every gauge, read from the running server. */
  registerServerGauges(reads: Readonly<Record<ServerGaugeName, () => number | null>>): void {
    for (const name of SERVER_GAUGES) this.registry.registerGauge(name, reads[name], { double: DOUBLE_GAUGES.has(name) });
  }

  /** The four quota gauge sets, in the reference's order. */
  registerQuotaGauges(reads: Readonly<Record<(typeof QUOTA_GAUGE_SETS)[number], () => ReadonlyMap<string, number>>>): void {
    for (const name of QUOTA_GAUGE_SETS) this.registry.registerGaugeSet(name, reads[name]);
  }

  /**
   * The quorum hook: a leader, follower or observer adds its role's gauges (names from the
   * reference's Leader/Follower/QuorumZooKeeperServer); a standalone server adds none.
   */
  registerRoleGauges(role: ServerRole, reads: Readonly<Record<string, () => number | null>>): void {
    if (role === 'standalone') return;
    for (const name of ROLE_GAUGES[role]) {
      const read = reads[name];
      if (read === undefined) throw new Error(`no value for the ${role} gauge ${name}`);
      this.registry.registerGauge(name, read);
    }
  }

  /** One client response of `bytes` (reply header included): BufferStats.setLastBufferSize. */
  responseSent(bytes: number): void {
    const s = this.clientResponseSize;
    s.last = bytes;
    if (s.min === -1 || bytes < s.min) s.min = bytes;
    if (bytes > s.max) s.max = bytes;
  }

  /** `srst`: counters and summaries back to zero, unless the provider cannot reset. */
  reset(): void {
    const s = this.clientResponseSize;
    s.last = s.min = s.max = -1;
    if (this.resettable) this.registry.reset();
  }
}
