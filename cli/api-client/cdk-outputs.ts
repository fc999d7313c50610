/**
 * Reads `cdk deploy --outputs-file` JSON: { StackName: { OutputKey: value } }. The keys are the
 * stack's CfnOutputs (cdk/fleet-secrets-stack.ts); cdk-outputs.test.ts keeps the two in step.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const OUTPUT_KEYS = {
  apiFunctionArn: 'ApiFunctionArn',
  apiFunctionName: 'ApiFunctionName',
  ingestFunctionArn: 'IngestFunctionArn',
  watcherRoleArn: 'WatcherRoleArn',
} as const;

export interface StackOutputs {
  stackName: string;
  apiFunction: string;
  /** From the api function's ARN. */
  region?: string;
  ingestFunctionArn?: string;
  watcherRoleArn?: string;
}

export function readStackOutputs(file: string): StackOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the stack outputs file ${file}: ${(error as Error).message}`);
  }
  return stackOutputsFrom(parsed, file);
}

export function stackOutputsFrom(parsed: unknown, file: string): StackOutputs {
  const stacks = Object.entries((parsed ?? {}) as Record<string, Record<string, unknown>>).filter(
    ([, outputs]) =>
      typeof outputs === 'object' &&
      outputs !== null &&
      (typeof outputs[OUTPUT_KEYS.apiFunctionArn] === 'string' ||
        typeof outputs[OUTPUT_KEYS.apiFunctionName] === 'string'),
  );
  if (stacks.length === 0) {
    throw new UsageError(`${file} holds no fleet-secrets stack outputs (no ${OUTPUT_KEYS.apiFunctionArn})`);
  }
  if (stacks.length > 1) {
    throw new UsageError(
      `${file} holds several fleet-secrets stacks (${stacks.map(([name]) => name).join(', ')}): pass --api-function`,
    );
  }
  const [stackName, outputs] = stacks[0]!;
  const arn = outputs[OUTPUT_KEYS.apiFunctionArn] as string | undefined;
  const get = (key: string) => (typeof outputs[key] === 'string' ? (outputs[key] as string) : undefined);
  return {
    stackName,
    apiFunction: arn ?? (outputs[OUTPUT_KEYS.apiFunctionName] as string),
    region: arn ? regionOfArn(arn) : undefined,
    ingestFunctionArn: get(OUTPUT_KEYS.ingestFunctionArn),
    watcherRoleArn: get(OUTPUT_KEYS.watcherRoleArn),
  };
}

export function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1] || undefined;
}
