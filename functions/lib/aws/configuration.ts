/** A setting the stack must provide is absent: the message names the variable. */
export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
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
