/**
 * The EventBridge patterns that start the rotation path, in EventBridge's own JSON form. The stack
 * deploys exactly these (cdk/constructs/event-wiring.ts), infra-tests matches the checked-in
 * fixtures against them, and the rotation handler may import them to explain what it accepts.
 * Pure data: no aws-cdk-lib import, so a handler bundle stays small.
 */

/** The subset of EventBridge content filters these patterns use. */
export type EventPatternMatcher =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { suffix: string }
  | { exists: boolean }
  | { 'anything-but': string | string[] }
  | { 'equals-ignore-case': string };

export interface EventPattern {
  [field: string]: readonly EventPatternMatcher[] | EventPattern;
}

export const SECRETS_MANAGER_SOURCE = 'aws.secretsmanager';
const SECRETS_MANAGER_EVENT_SOURCE = 'secretsmanager.amazonaws.com';

/**
 * API calls after which a reader of AWSCURRENT may get a different value (or none). CloudTrail
 * delivers them in about a minute and on a best-effort basis, so they back up the native event
 * rather than replace it; DeleteSecret and RestoreSecret have no native event at all.
 */
export const VALUE_CHANGING_API_CALLS = [
  'PutSecretValue',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'RotateSecret',
  'RestoreSecret',
  'DeleteSecret',
] as const;

/**
 * Native Secrets Manager event (no CloudTrail trail needed, the fastest path). Only AWSCURRENT
 * moving changes what clusters receive; other labels belong to someone else's workflow and would
 * cost an invocation each for nothing (the handler's parser drops them too).
 */
export const SECRET_LABEL_UPDATED_PATTERN = {
  source: [SECRETS_MANAGER_SOURCE],
  'detail-type': ['Secret Label Updated'],
  detail: { labelUpdated: ['AWSCURRENT'] },
} as const satisfies EventPattern;

/**
 * CloudTrail-delivered API calls that change a value. A refused call (AccessDenied, a bad
 * version id) is delivered too, with an errorCode: it changed nothing, so the rule leaves it out.
 */
export const SECRETS_MANAGER_API_CALL_PATTERN = {
  source: [SECRETS_MANAGER_SOURCE],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: [SECRETS_MANAGER_EVENT_SOURCE],
    eventName: [...VALUE_CHANGING_API_CALLS],
    errorCode: [{ exists: false }],
  },
} as const satisfies EventPattern;

/**
 * The end of a rotation, as a CloudTrail service event (the secret id is in
 * detail.additionalEventData.SecretId). RotationStarted/Failed/Abandoned change no AWSCURRENT.
 */
export const ROTATION_SUCCEEDED_PATTERN = {
  source: [SECRETS_MANAGER_SOURCE],
  'detail-type': ['AWS Service Event via CloudTrail'],
  detail: {
    eventSource: [SECRETS_MANAGER_EVENT_SOURCE],
    eventName: ['RotationSucceeded'],
  },
} as const satisfies EventPattern;

/** One rule per pattern, so each shows its own invocation and failure counts. */
export const ROTATION_EVENT_PATTERNS = {
  secretLabelUpdated: SECRET_LABEL_UPDATED_PATTERN,
  secretsManagerApiCall: SECRETS_MANAGER_API_CALL_PATTERN,
  rotationSucceeded: ROTATION_SUCCEEDED_PATTERN,
} as const satisfies Record<string, EventPattern>;

export type RotationRuleKey = keyof typeof ROTATION_EVENT_PATTERNS;

/**
 * The sweep's default cadence. It bounds how late a missed event or a due refresh is noticed;
 * one sweep is a few DynamoDB queries, so a minute costs little (EventBridge's finest rate).
 */
export const DEFAULT_SWEEP_SCHEDULE = 'rate(1 minute)';
