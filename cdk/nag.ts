import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { UnexplainedSuppressionError } from './errors.js';

/** Shorter than this, a "reason" cannot say why a finding is safe to accept. */
const MIN_REASON_LENGTH = 40;

/**
 * Accepts one cdk-nag finding on a construct (and its children) with the reason it is safe.
 * Every acknowledgment in the stack goes through here, so none can be added without a reason.
 */
export function acknowledgeNagFinding(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new UnexplainedSuppressionError(
      `cdk-nag finding ${id} on ${scope.node.path} needs a reason of at least ${MIN_REASON_LENGTH} characters`,
    );
  }
  Validations.of(scope).acknowledge({ id, reason });
}
