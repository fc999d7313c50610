/** Lambda did not queue an asynchronous invocation (or none is configured for the target). */
export class InvocationRejectedError extends Error {
  override readonly name = 'InvocationRejectedError';
}
