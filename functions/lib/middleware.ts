import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Observability } from './observability.js';

/** The same middleware stack on every function: tracing, context in every log line, EMF flush. */
export function withObservability<E, R>(
  obs: Observability,
  core: (event: E, context: Context) => Promise<R>,
) {
  return middy(core)
    .use(captureLambdaHandler(obs.tracer, { captureResponse: false }))
    .use(injectLambdaContext(obs.logger, { resetKeys: true }))
    .use(logMetrics(obs.metrics));
}
