/** An environment variable is missing or malformed; the message names the variable. */
export class WatcherConfigError extends Error {
  override name = 'WatcherConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/** The API server answered a request with a non-success status. */
export class ApiServerError extends Error {
  override name = 'ApiServerError';
  constructor(
    readonly statusCode: number,
    readonly path: string,
    reason: string,
  ) {
    super(`API server answered ${statusCode} for ${path}: ${reason}`);
  }
}

/** The resourceVersion (or list continue token) is too old for the API server: relist (HTTP 410 Gone). */
export class ResourceExpiredError extends Error {
  override name = 'ResourceExpiredError';
}

/** A watch stayed silent past its deadline: the connection is presumed half-open and is dropped. */
export class WatchStalledError extends Error {
  override name = 'WatchStalledError';
}

/** The ingest function could not be invoked or returned a function error; the batch is retried. */
export class NoticeDeliveryError extends Error {
  override name = 'NoticeDeliveryError';
}

/** A batch is larger than a Lambda payload may be; retrying cannot help. */
export class NoticePayloadTooLargeError extends Error {
  override name = 'NoticePayloadTooLargeError';
}
