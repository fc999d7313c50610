import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
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

/**
 * A CloudFormation value as one string, the way cdk-nag names wildcard findings
 * (`arn:<AWS::Partition>:...`, `<Table.Arn>/index/x`).
 */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if ('Fn::Sub' in v) return flatten(v['Fn::Sub']);
    if ('Fn::GetAtt' in v) {
      const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Ref' in v) return `<${flatten(v.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** The AwsSolutions-IAM5 finding ids a statement will raise (one per wildcard resource). */
export function wildcardResourceFindings(scope: IConstruct, statement: iam.PolicyStatement): string[] {
  const json = Stack.of(scope).resolve(statement.toStatementJson()) as { Resource?: unknown };
  const resources = ([] as unknown[]).concat(json.Resource ?? []);
  return [...new Set(resources.map(flatten).filter((r) => r.includes('*')))].map(
    (r) => `AwsSolutions-IAM5[Resource::${r}]`,
  );
}
