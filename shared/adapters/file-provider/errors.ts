/** The secrets file cannot be used as a whole; the message names the file and line, never a value. */
export class SecretsFileError extends Error {
  override readonly name = 'SecretsFileError';
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`secrets file ${path}: ${problem}`);
    this.path = path;
  }
}
