/**
 * From fetched values to the Secret an object wants, with deletionPolicy applied to keys the
 * provider says are gone. Only a NotFound counts as gone: any other failed read (throttled,
 * denied, unreachable) fails the object and leaves its Secret as it is.
 *
 *   Retain (default)  a gone key fails the object; the Secret keeps its last data.
 *   Delete            gone keys drop out; when every key is gone the Secret is deleted.
 *   Merge             gone keys drop out; the Secret stays, even with no key left.
 */
import { readRequestKey, resolveStoreName } from '../domain/plan.js';
import type { DesiredSnapshot } from '../domain/records.js';
import { renderTargetSecret } from '../domain/render.js';
import type { RenderedSecret } from '../domain/rendered-secret.js';
import type { ExternalSecretSpec } from '../domain/schema.js';
import type { ReadResult } from '../ports/secret-provider.js';
import type { PassContext } from './pass-context.js';
import type { ObjectReads } from './read-plan.js';

export type RenderOutcome =
  | { kind: 'rendered'; rendered: RenderedSecret }
  /** deletionPolicy Delete and every remote key is gone. */
  | { kind: 'source-gone' };

const refId = (storeName: string, key: string) => `${storeName}\u0000${key}`;

/** The spec without the entries whose remote key is gone. */
export function withoutGoneKeys(
  spec: ExternalSecretSpec,
  gone: ReadonlySet<string>,
  defaultStore: string | undefined,
): ExternalSecretSpec {
  const isGone = (store: string | undefined, key: string) =>
    store !== undefined && gone.has(refId(store, key));
  const data = spec.data?.filter(
    (item) => !isGone(resolveStoreName(item.sourceRef?.storeRef, spec, defaultStore), item.remoteRef.key),
  );
  const dataFrom = spec.dataFrom?.filter(
    (item) =>
      !item.extract ||
      !isGone(resolveStoreName(item.sourceRef?.storeRef, spec, defaultStore), item.extract.key),
  );
  return {
    ...spec,
    ...(spec.data ? { data: data ?? [] } : {}),
    ...(spec.dataFrom ? { dataFrom: dataFrom ?? [] } : {}),
  };
}

export async function renderObject(
  ctx: PassContext,
  snapshot: DesiredSnapshot,
  reads: ObjectReads,
): Promise<RenderOutcome> {
  const results = await reads.results;
  const deletionPolicy = snapshot.spec.target?.deletionPolicy ?? 'Retain';
  let spec = snapshot.spec;
  if (deletionPolicy !== 'Retain') {
    const gone = new Set<string>();
    results.forEach((result, i) => {
      const planned = reads.plan.reads[i];
      if (planned && !result.ok && result.error.code === 'NotFound')
        gone.add(refId(planned.storeName, result.request.key));
    });
    if (gone.size > 0) {
      spec = withoutGoneKeys(spec, gone, ctx.deps.defaultStore);
      const nothingLeft = (spec.data?.length ?? 0) === 0 && (spec.dataFrom?.length ?? 0) === 0;
      if (nothingLeft && deletionPolicy === 'Delete') return { kind: 'source-gone' };
    }
  }
  const values = new Map<string, ReadResult>();
  results.forEach((result, i) => {
    const planned = reads.plan.reads[i];
    if (planned) values.set(readRequestKey(planned.storeName, planned.request), result);
  });
  const outcome = renderTargetSecret({
    object: { namespace: snapshot.namespace, name: snapshot.name, spec, kind: snapshot.source.kind },
    lookup: (storeName, request) => {
      const result = values.get(readRequestKey(storeName, request));
      if (!result) return undefined;
      return result.ok ? result.payload : result.error;
    },
    findResults: reads.findResults,
    ...(ctx.deps.defaultStore ? { defaultStore: ctx.deps.defaultStore } : {}),
  });
  if (!outcome.ok) throw outcome.error;
  return { kind: 'rendered', rendered: outcome.secret };
}
