import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, serviceNameOf } from '../../shared/contracts/runtime-contract.js';
import type { FunctionName } from '../../shared/ports/invoker.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/**
 * One logger/metrics/tracer trio per function, created at module load so warm invocations reuse
 * them. Keys logged are ids (cluster, namespace, name, secret name, version id), never values.
 */
export function createObservability(fn: FunctionName): Observability {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? serviceNameOf(fn);
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      serviceName,
    }),
    tracer: new Tracer({ serviceName }),
  };
}
