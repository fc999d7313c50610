/**
 * Where the CLI writes: results to stdout (what scripts capture), progress and diagnostics to
 * stderr. Color only when stdout is a terminal and NO_COLOR is unset, so piped output is plain.
 */
export interface Styles {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export interface Terminal {
  out(line: string): void;
  err(line: string): void;
  /** Writes without a newline to stderr: progress lines that rewrite themselves. */
  errRaw(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly style: Styles;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const colored: Styles = {
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

const plain: Styles = {
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  dim: (t) => t,
  bold: (t) => t,
};

export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function processTerminal(): Terminal {
  const stdoutIsTTY = process.stdout.isTTY === true;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errRaw: (text) => process.stderr.write(text),
    stdoutIsTTY,
    stderrIsTTY: process.stderr.isTTY === true,
    style: useColor(process.env, stdoutIsTTY) ? colored : plain,
  };
}

/** Printable width of a string that may hold color codes. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences on purpose
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
