import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import type { Terminal } from './output/terminal.js';
import { finishSteps, runSteps } from './steps.js';

function recordingTerminal() {
  const out: string[] = [];
  const err: string[] = [];
  const plain = (t: string) => t;
  const terminal: Terminal = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    errRaw: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    style: { green: plain, red: plain, yellow: plain, dim: plain, bold: plain },
  };
  return { terminal, out, err };
}

describe('runSteps', () => {
  it('should print each result as it lands and go on after a failed step', async () => {
    const { terminal, out, err } = recordingTerminal();
    const summary = await runSteps({
      terminal,
      items: ['a', 'b', 'c'],
      label: (i) => i,
      step: async (i) => {
        if (i === 'b') throw new CliError('refused', 1, ['because']);
        return { ok: true, line: `${i} done` };
      },
    });
    expect(out).toEqual(['a done', 'c done']);
    expect(err).toEqual(['b: refused', '  because']);
    expect(summary).toEqual({ done: 2, failed: 1, skipped: [] });
    expect(() => finishSteps(summary, 3, 'registrations')).toThrow('1 of 3 registrations failed');
  });

  it('should finish the step in flight on Ctrl-C, start no other, and name what was skipped', async () => {
    const { terminal, out } = recordingTerminal();
    const summary = await runSteps({
      terminal,
      items: ['a', 'b', 'c', 'd'],
      label: (i) => i,
      step: async (i, signal) => {
        if (i === 'b') process.emit('SIGINT');
        return { ok: true, line: `${i} done${signal.aborted ? ' (after Ctrl-C)' : ''}` };
      },
    });
    expect(out).toEqual(['a done', 'b done (after Ctrl-C)']);
    expect(summary.skipped).toEqual(['c', 'd']);
    let error: CliError | undefined;
    try {
      finishSteps(summary, 4, 'objects');
    } catch (e) {
      error = e as CliError;
    }
    expect(error?.exitCode).toBe(130);
    expect(error?.message).toBe('interrupted: 2 of 4 objects done, 0 failed, 2 not attempted');
    expect(error?.details).toEqual(['not attempted: c, d']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
