import { CliError, EXIT } from './errors.js';
import { Interrupt } from './interrupt.js';
import { Progress } from './output/progress.js';
import type { Terminal } from './output/terminal.js';

export interface StepOutcome {
  ok: boolean;
  /** The step's result line (stdout when ok, stderr when not). */
  line: string;
  /** Further lines printed under it (reasons, per-cluster results). */
  details?: string[];
}

export interface StepsSummary {
  done: number;
  failed: number;
  /** Items never started because of Ctrl-C. */
  skipped: string[];
}

/**
 * Runs steps one after another with a progress line, printing each result as it lands. Ctrl-C
 * lets the step in flight finish, starts no new one, and names what was not attempted.
 */
export async function runSteps<T>(options: {
  terminal: Terminal;
  items: readonly T[];
  label: (item: T) => string;
  step: (item: T, signal: AbortSignal) => Promise<StepOutcome>;
}): Promise<StepsSummary> {
  const { terminal, items } = options;
  const progress = new Progress({ terminal, total: items.length });
  const interrupt = new Interrupt({ terminal });
  const summary: StepsSummary = { done: 0, failed: 0, skipped: [] };
  try {
    for (const [i, item] of items.entries()) {
      if (interrupt.interrupted) {
        summary.skipped = items.slice(i).map(options.label);
        break;
      }
      progress.working(options.label(item));
      let outcome: StepOutcome;
      try {
        outcome = await options.step(item, interrupt.signal);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        outcome = {
          ok: false,
          line: `${options.label(item)}: ${error.message}`,
          details: [...error.details],
        };
      }
      progress.finished(outcome.line, outcome.ok ? 'out' : 'err');
      for (const line of outcome.details ?? []) terminal[outcome.ok ? 'out' : 'err'](`  ${line}`);
      if (outcome.ok) summary.done++;
      else summary.failed++;
    }
  } finally {
    progress.clear();
    interrupt.dispose();
  }
  return summary;
}

/** Reports a multi-step run's end: throws (for the exit code) when something failed or was skipped. */
export function finishSteps(summary: StepsSummary, total: number, noun: string): void {
  if (summary.skipped.length > 0) {
    throw new CliError(
      `interrupted: ${summary.done} of ${total} ${noun} done, ${summary.failed} failed, ${summary.skipped.length} not attempted`,
      EXIT.interrupted,
      [`not attempted: ${summary.skipped.join(', ')}`],
    );
  }
  if (summary.failed > 0) {
    throw new CliError(`${summary.failed} of ${total} ${noun} failed`);
  }
}
