/**
 * The end of a pass: its counts as a ReconcileResult, the engine's own metrics, and one log line
 * that carries counts only.
 */
import type { ReconcileRequest } from '../domain/records.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectResult } from './object-result.js';
import type { ProviderReader, ProviderReaderStats } from './provider-reader.js';
import type { ApiserverCounts, ObjectReport, PassOutcome, ReconcileDeps, ReconcileResult } from './types.js';

/** What a pass knows before it has a cluster: enough to summarize even a pass that never started. */
export interface PassStart {
  deps: ReconcileDeps;
  request: ReconcileRequest;
  startedAt: Date;
  log: Logger;
  reader: ProviderReader;
  /** The shared reader's stats when this pass began (a reader of its own starts at zero). */
  readerBaseline: ProviderReaderStats | undefined;
}

export interface PassTotals {
  /** Objects in scope. */
  objects: number;
  results: ObjectResult[];
  /** Objects whose values were read and rendered. */
  rendered: number;
  statusWrites: number;
  apiserver: ApiserverCounts;
}

const NO_REQUESTS: ApiserverCounts = { reads: 0, writes: 0, byAction: {} };

export function summarizePass(
  start: PassStart,
  outcome: PassOutcome,
  totals: Partial<PassTotals> = {},
): ReconcileResult {
  const { deps, request } = start;
  const results = totals.results ?? [];
  const reports: ObjectReport[] = results.map((r) => r.report);
  const count = (o: ObjectReport['outcome']) => reports.filter((r) => r.outcome === o).length;
  const result: ReconcileResult = {
    clusterId: request.clusterId,
    outcome,
    objects: totals.objects ?? 0,
    synced: count('synced'),
    unchanged: count('unchanged'),
    deleted: count('deleted'),
    failed: count('failed'),
    driftRestored: reports.filter((r) => r.outcome === 'synced' && r.drift).length,
    rendered: totals.rendered ?? 0,
    provider: subtractStats(start.reader.stats(), start.readerBaseline),
    apiserver: totals.apiserver ?? NO_REQUESTS,
    statusWrites: totals.statusWrites ?? 0,
    reports,
    durationMs: deps.clock.now().getTime() - start.startedAt.getTime(),
  };
  const lastWriteAt = Math.max(
    ...results.map((r) => r.wroteAt?.getTime() ?? Number.NaN).filter(Number.isFinite),
  );
  const trigger = request.trigger?.eventTime ? Date.parse(request.trigger.eventTime) : Number.NaN;
  if (request.reason === 'rotation' && Number.isFinite(lastWriteAt) && Number.isFinite(trigger)) {
    result.rotationLatencyMs = Math.max(0, lastWriteAt - trigger);
  }
  // ObjectsSynced / SyncFailures / RotationLatencyMs are the handler's (from this result).
  deps.metrics?.addMetric('DriftRestored', 'Count', result.driftRestored);
  deps.metrics?.addMetric('ApiserverWrites', 'Count', result.apiserver.writes);
  deps.metrics?.addMetric('ProviderBatches', 'Count', result.provider.calls);
  start.log.info('reconcile pass finished', {
    clusterId: request.clusterId,
    outcome,
    objects: result.objects,
    synced: result.synced,
    unchanged: result.unchanged,
    deleted: result.deleted,
    failed: result.failed,
    driftRestored: result.driftRestored,
    apiserverReads: result.apiserver.reads,
    apiserverWrites: result.apiserver.writes,
    providerCalls: result.provider.calls,
  });
  return result;
}

function subtractStats(now: ProviderReaderStats, base: ProviderReaderStats | undefined): ProviderReaderStats {
  if (!base) return now;
  const providerCalls: Record<string, Record<string, number>> = {};
  for (const [store, ops] of Object.entries(now.providerCalls)) {
    for (const [op, n] of Object.entries(ops)) {
      const d = n - (base.providerCalls[store]?.[op] ?? 0);
      if (d <= 0) continue;
      const forStore = providerCalls[store] ?? {};
      forStore[op] = d;
      providerCalls[store] = forStore;
    }
  }
  return {
    requests: now.requests - base.requests,
    hits: now.hits - base.hits,
    misses: now.misses - base.misses,
    calls: now.calls - base.calls,
    finds: now.finds - base.finds,
    findHits: now.findHits - base.findHits,
    providerCalls,
  };
}
