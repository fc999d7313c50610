export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /**
   * "equal" (default): half the step fixed, half random, for clients that must not come back in
   * lockstep but should still wait; "full": anywhere in [0, step), for racing writers that should
   * spread out as widely as possible.
   */
  jitter?: 'equal' | 'full';
}

/**
 * Exponential backoff with jitter: the step doubles from `initialMs` per attempt (1-based) up to
 * `maxMs`, so a fleet of watchers that lost the same control plane, or writers that lost the same
 * conditional write, do not retry in lockstep.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  if (policy.jitter === 'full') return random() * step;
  return Math.round(step / 2 + random() * (step / 2));
}
