import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The context object Lambda hands a handler; the Powertools middleware reads its fields. */
export function lambdaContext(functionName: string, memoryMb = 1024): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `fleet-secrets-bench-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:fleet-secrets-bench-${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/fleet-secrets-bench-${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
