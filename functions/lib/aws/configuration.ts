/** A setting the stack must provide is absent: the message names the variable. */
export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

/** A positive whole number of milliseconds from `name`, or undefined when it is not set. */
export function optionalMillisEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new MissingConfigurationError(
      `environment variable ${name} must be a positive whole number of milliseconds`,
    );
  }
  return ms;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/**
 * Builds a value once per container, lazily (importing a handler needs no environment), and
 * forgets a failed build so the next invocation tries again.
 */
export function oncePerContainer<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((error) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
