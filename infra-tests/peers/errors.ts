/** A peer server did not become healthy; names the peer and the log file to read. */
export class PeerStartError extends Error {
  override name = 'PeerStartError';
  constructor(
    readonly peer: string,
    readonly logFile: string,
    reason: string,
    /** True when the process ended before it answered, e.g. because its port was taken. */
    readonly exitedEarly = false,
  ) {
    super(`${peer} failed to start: ${reason}; see its log: ${logFile}`);
  }
}

/** A peer's binary is missing from the cache; names the script that installs it. */
export class PeerNotInstalledError extends Error {
  override name = 'PeerNotInstalledError';
  constructor(
    readonly peer: string,
    readonly path: string,
    readonly installScript: string,
  ) {
    super(`${peer} is not installed (missing ${path}); run: bash ${installScript}`);
  }
}
