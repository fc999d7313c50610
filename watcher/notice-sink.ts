import type { NoticeBatch } from '../shared/contracts/notice-batch.js';

/**
 * Where notice batches go: the control plane's ingest function in a cluster, an in-process recorder
 * in tests. Resolves once the batch is accepted; rejects with NoticeDeliveryError (retried) or
 * NoticePayloadTooLargeError (dropped).
 */
export interface NoticeSink {
  send(batch: NoticeBatch): Promise<void>;
}
