import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDbStateStore } from '../../../shared/adapters/dynamodb/dynamodb-state-store.js';
import { LambdaInvoker } from '../../../shared/adapters/lambda/lambda-invoker.js';
import { ENV } from '../../../shared/contracts/runtime-contract.js';
import { systemClock } from '../../../shared/ports/clock.js';
import type { CoreAdapters } from '../compose.js';
import { oncePerContainer, optionalMillisEnv, requiredEnv } from './configuration.js';

/** State table and fan-out: all that rotation and sweep need. */
export const awsCoreAdapters = oncePerContainer(async (): Promise<CoreAdapters> => {
  const region = requiredEnv('AWS_REGION');
  const minRefreshIntervalMs = optionalMillisEnv(ENV.minRefreshIntervalMs);
  return {
    region,
    ...(minRefreshIntervalMs === undefined ? {} : { settings: { minRefreshIntervalMs } }),
    clock: systemClock,
    state: new DynamoDbStateStore({
      client: new DynamoDBClient({ region }),
      tableName: requiredEnv(ENV.tableName),
    }),
    invoker: new LambdaInvoker({
      client: new LambdaClient({ region }),
      functionNames: { 'reconcile-cluster': requiredEnv(ENV.reconcileFunctionName) },
    }),
  };
});
