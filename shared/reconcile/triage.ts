/**
 * Sorts the pass's objects by what they need, from the state and the LIST alone (no value read):
 * render (new, changed, due, drifted, failed before), unchanged (nothing to do), blocked (their
 * namespace could not be listed) and gone (no longer declared, but remembered by a status).
 */

import type { ObjectResult } from './object-result.js';
import type { DesiredItem, PassContext, WorkItem } from './pass-context.js';
import { ReadyReason } from './status-report.js';
import { workReason } from './sync-object.js';

export interface Triage {
  toRender: DesiredItem[];
  unchanged: ObjectResult[];
  blocked: Array<{ item: DesiredItem; error: Error }>;
  gone: WorkItem[];
}

export function triageWork(ctx: PassContext, work: WorkItem[]): Triage {
  const triage: Triage = { toRender: [], unchanged: [], blocked: [], gone: [] };
  for (const item of work) {
    if (!item.snapshot) {
      if (item.status) triage.gone.push(item);
      continue;
    }
    const desired = item as DesiredItem;
    // A namespace we may not list (RBAC, not registered) is reported before any value is read.
    const namespaceError = ctx.live.failedNamespaces.get(item.namespace);
    if (namespaceError) {
      triage.blocked.push({ item: desired, error: namespaceError });
      continue;
    }
    const why = workReason(ctx, desired);
    if (!why) {
      triage.unchanged.push({
        report: {
          namespace: item.namespace,
          name: item.name,
          outcome: 'unchanged',
          reason: ReadyReason.synced,
        },
      });
      continue;
    }
    ctx.log.debug('object needs work', {
      clusterId: ctx.record.clusterId,
      namespace: item.namespace,
      name: item.name,
      why,
    });
    triage.toRender.push(desired);
  }
  return triage;
}
