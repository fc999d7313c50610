/**
 * Turns the three EventBridge shapes Secrets Manager changes arrive in into one SecretChange:
 * the native "Secret Label Updated" event (fastest, no CloudTrail needed), CloudTrail's
 * "AWS API Call via CloudTrail" and "AWS Service Event via CloudTrail" (RotationSucceeded).
 * Pure: no I/O; a foreign or malformed event yields a reason instead of a throw.
 */

export type SecretChangeKind = 'version-changed' | 'deleted' | 'restored';

export interface SecretChange {
  /** Friendly name of the secret (the ARN's random suffix removed). */
  name: string;
  arn?: string;
  region?: string;
  account?: string;
  kind: SecretChangeKind;
  /** Version the change made current, when the event says so. */
  versionId?: string;
  /** The event's detail-type and API name, for logs and metrics. */
  via: string;
  eventTime?: string;
}

export type ParseOutcome = { ok: true; changes: SecretChange[] } | { ok: false; reason: string };

/** API calls that change which value a reader of AWSCURRENT gets. */
const VALUE_CHANGING_CALLS: Record<string, SecretChangeKind> = {
  PutSecretValue: 'version-changed',
  UpdateSecret: 'version-changed',
  UpdateSecretVersionStage: 'version-changed',
  RotateSecret: 'version-changed',
  RestoreSecret: 'restored',
  DeleteSecret: 'deleted',
};

const ARN_PATTERN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;

/**
 * Secrets Manager appends "-" and six random characters to a secret's name in its ARN; the
 * reverse index is keyed by name, so the suffix is removed.
 */
export function parseSecretArn(arn: string): { name: string; region: string; account: string } | undefined {
  const m = ARN_PATTERN.exec(arn);
  if (!m) return undefined;
  const [, region, account, rest] = m as unknown as [string, string, string, string];
  const name = /^(.+)-[A-Za-z0-9]{6}$/.exec(rest)?.[1] ?? rest;
  return { name, region, account };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function fromIdentifier(
  id: string | undefined,
  fallbackRegion: string | undefined,
  fallbackAccount: string | undefined,
): { name: string; arn?: string; region?: string; account?: string } | undefined {
  if (!id) return undefined;
  const parsed = parseSecretArn(id);
  if (parsed) return { ...parsed, arn: id };
  return { name: id, region: fallbackRegion, account: fallbackAccount };
}

export function parseSecretsManagerEvent(event: unknown): ParseOutcome {
  if (!isRecord(event)) return { ok: false, reason: 'event is not an object' };
  if (event.source !== 'aws.secretsmanager')
    return { ok: false, reason: `foreign source ${String(event.source)}` };
  const detailType = str(event['detail-type']);
  const detail = event.detail;
  if (!detailType || !isRecord(detail)) return { ok: false, reason: 'event has no detail-type or detail' };
  const region = str(event.region);
  const account = str(event.account);
  const eventTime = str(event.time);

  if (detailType === 'Secret Label Updated') {
    // Only AWSCURRENT moving changes what we sync; other labels are someone else's workflow.
    if (detail.labelUpdated !== 'AWSCURRENT')
      return { ok: false, reason: `label ${String(detail.labelUpdated)} is not synced` };
    const resources = Array.isArray(event.resources)
      ? event.resources.filter((r) => typeof r === 'string')
      : [];
    const id = fromIdentifier(str(resources[0]) ?? str(detail.name), region, account);
    if (!id) return { ok: false, reason: 'Secret Label Updated event names no secret' };
    return {
      ok: true,
      changes: [
        { ...id, kind: 'version-changed', versionId: str(detail.versionId), via: detailType, eventTime },
      ],
    };
  }

  if (detailType === 'AWS API Call via CloudTrail') {
    const eventName = str(detail.eventName);
    const kind = eventName ? VALUE_CHANGING_CALLS[eventName] : undefined;
    if (!eventName || !kind)
      return { ok: false, reason: `API call ${String(eventName)} does not change a value` };
    if (detail.errorCode)
      return { ok: false, reason: `API call ${eventName} failed (${String(detail.errorCode)})` };
    const req = isRecord(detail.requestParameters) ? detail.requestParameters : {};
    const res = isRecord(detail.responseElements) ? detail.responseElements : {};
    // Some calls report the ARN as `aRN`; accept both spellings.
    const arn = str(res.arn) ?? str(res.aRN);
    const id = fromIdentifier(arn ?? str(req.secretId), region, account);
    if (!id) return { ok: false, reason: `API call ${eventName} names no secret` };
    if (eventName === 'UpdateSecretVersionStage' && req.versionStage !== 'AWSCURRENT') {
      return { ok: false, reason: `stage ${String(req.versionStage)} is not synced` };
    }
    // For PutSecretValue and UpdateSecret the request's clientRequestToken becomes the new VersionId.
    const token =
      eventName === 'PutSecretValue' || eventName === 'UpdateSecret'
        ? str(req.clientRequestToken)
        : undefined;
    const versionId = str(res.versionId) ?? str(req.moveToVersionId) ?? token;
    return { ok: true, changes: [{ ...id, kind, versionId, via: `${detailType}:${eventName}`, eventTime }] };
  }

  if (detailType === 'AWS Service Event via CloudTrail') {
    const eventName = str(detail.eventName);
    if (eventName !== 'RotationSucceeded')
      return { ok: false, reason: `service event ${String(eventName)} is not synced` };
    const extra = isRecord(detail.additionalEventData) ? detail.additionalEventData : {};
    const id = fromIdentifier(str(extra.SecretId) ?? str(extra.secretId), region, account);
    if (!id) return { ok: false, reason: 'RotationSucceeded event names no secret' };
    return {
      ok: true,
      changes: [{ ...id, kind: 'version-changed', via: `${detailType}:${eventName}`, eventTime }],
    };
  }

  return { ok: false, reason: `detail-type ${detailType} is not handled` };
}

/**
 * The same change often arrives twice (native event and CloudTrail); this key is equal for both
 * so the rotation path can coalesce them.
 */
export function changeDedupeKey(change: SecretChange): string {
  const where = `${change.account ?? '-'}:${change.region ?? '-'}:${change.name}`;
  return change.versionId
    ? `${where}@${change.versionId}`
    : `${where}#${change.kind}@${change.eventTime ?? ''}`;
}
