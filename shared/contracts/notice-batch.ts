/**
 * The contract between the in-cluster watcher and the control plane's ingest function: the JSON
 * payload of one Lambda invocation. The watcher only says "object X changed" (and, after every full
 * list, which objects exist); the ingest re-reads objects from the cluster with its own identity, so a
 * forged or stale notice can at worst cause a redundant reconcile.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const WatchedKind = T.Union([T.Literal('ExternalSecret'), T.Literal('ClusterExternalSecret')]);
export type WatchedKind = Static<typeof WatchedKind>;

/**
 * Bounds of one batch. The watcher sends at most this many notices per invocation (its
 * WATCHER_MAX_BATCH_SIZE is capped at it); a larger batch is refused whole, so one cluster cannot
 * make the ingest re-read thousands of objects in one call.
 */
export const MAX_NOTICES_PER_BATCH = 500;
/** A digest lists every object of a kind; Lambda's 6 MB payload limit already caps it near this. */
export const MAX_DIGEST_OBJECTS = 50_000;

/**
 * Names are re-used as DynamoDB keys and in API paths, so only what the apiserver itself accepts
 * passes: object names are DNS-1123 subdomains, namespaces and cluster ids DNS-1123 labels. That
 * keeps out "..", "a/b" and anything else that could change the meaning of a path or key.
 */
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const ObjectName = T.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN });
const NamespaceName = T.String({ minLength: 1, maxLength: 63, pattern: DNS_LABEL });
const ClusterId = T.String({ minLength: 1, maxLength: 63, pattern: DNS_LABEL });
/** Opaque to us, but bounded: uids are UUIDs and resourceVersions etcd revisions. */
const Opaque = T.String({ minLength: 1, maxLength: 128 });

export const Notice = T.Object(
  {
    kind: WatchedKind,
    /** Absent for cluster-scoped kinds (ClusterExternalSecret). */
    namespace: T.Optional(NamespaceName),
    name: ObjectName,
    uid: Opaque,
    resourceVersion: Opaque,
    generation: T.Integer({ minimum: 0 }),
    /** `upsert` covers create and spec/metadata changes; status-only writes are not forwarded. */
    event: T.Union([T.Literal('upsert'), T.Literal('delete')]),
  },
  { additionalProperties: false },
);
export type Notice = Static<typeof Notice>;

export const DigestEntry = T.Object(
  {
    namespace: T.Optional(NamespaceName),
    name: ObjectName,
    uid: Opaque,
    resourceVersion: Opaque,
    generation: T.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type DigestEntry = Static<typeof DigestEntry>;

/**
 * Every object of one kind that existed at `resourceVersion` (the list's). Sent after each full list
 * (start, 410 relist, periodic resync) so the ingest can heal notices it never got. An object absent
 * here was gone at that resourceVersion; one created later may arrive as a notice before this digest,
 * so the ingest re-reads an object before treating its absence as a deletion.
 */
export const NoticeDigest = T.Object(
  {
    kind: WatchedKind,
    resourceVersion: T.Optional(Opaque),
    objects: T.Array(DigestEntry, { maxItems: MAX_DIGEST_OBJECTS }),
    complete: T.Literal(true),
  },
  { additionalProperties: false },
);
export type NoticeDigest = Static<typeof NoticeDigest>;

export const NoticeBatch = T.Object(
  {
    clusterId: ClusterId,
    notices: T.Array(Notice, { maxItems: MAX_NOTICES_PER_BATCH }),
    digest: T.Optional(NoticeDigest),
    /** When the watcher signed it (ISO 8601); the ingest refuses batches more than 5 minutes off. */
    issuedAt: T.Optional(T.String({ minLength: 1, maxLength: 40 })),
    /** HMAC-SHA256 with the cluster's watcher key (shared/domain/notice-signature.ts). */
    signature: T.Optional(T.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export type NoticeBatch = Static<typeof NoticeBatch>;

/** A payload that is not a NoticeBatch; the message names the first offending field path. */
export class InvalidNoticeBatchError extends Error {
  override name = 'InvalidNoticeBatchError';
}

/**
 * Validates an ingest payload. Error messages name the JSON path and the rule, never the value: a
 * payload is untrusted input from a cluster.
 */
export function parseNoticeBatch(input: unknown): NoticeBatch {
  if (Value.Check(NoticeBatch, input)) return input;
  const first = Value.Errors(NoticeBatch, input).First();
  const where = first?.path || '(root)';
  throw new InvalidNoticeBatchError(
    `invalid notice batch at ${where}: ${first?.message ?? 'unknown problem'}`,
  );
}
