/**
 * Prometheus text exposition (format 0.0.4) as the ESO controller serves it on /metrics: parsing,
 * summing series by label, and diffing two scrapes (pure; the benchmark counts with ESO's own
 * counters, scraped before and after each scenario).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let match: RegExpExecArray | null = pair.exec(text);
  while (match !== null) {
    labels[match[1] as string] = unescapeLabel(match[2] as string);
    if (pair.lastIndex >= text.length) break;
    match = pair.exec(text);
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Every sample of a scrape; comments (# HELP, # TYPE) and blank or malformed lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const value = parseValue(match[3] as string);
    if (Number.isNaN(value) && match[3] !== 'NaN') continue;
    samples.push({ name: match[1] as string, labels: match[2] ? parseLabels(match[2]) : {}, value });
  }
  return samples;
}

/** A series' identity: its name and sorted labels. */
export function seriesKey(sample: Pick<Sample, 'name' | 'labels'>): string {
  const labels = Object.entries(sample.labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${sample.name}{${labels}}`;
}

/**
 * after - before, series by series, for counters: a series missing before counts from 0 (client
 * libraries create a labelled series on its first increment); a series that went down (a restart)
 * counts its new value.
 */
export function diffSamples(before: readonly Sample[], after: readonly Sample[]): Sample[] {
  const earlier = new Map(before.map((s) => [seriesKey(s), s.value]));
  return after.map((s) => {
    const was = earlier.get(seriesKey(s)) ?? 0;
    return { ...s, value: s.value >= was ? s.value - was : s.value };
  });
}

/** Sum of a metric's series whose labels match every given label (a RegExp or an exact value). */
export function sumMetric(
  samples: readonly Sample[],
  name: string,
  match: Record<string, string | RegExp> = {},
): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    const ok = Object.entries(match).every(([k, want]) => {
      const have = s.labels[k];
      if (have === undefined) return false;
      return typeof want === 'string' ? have === want : want.test(have);
    });
    if (ok) total += s.value;
  }
  return total;
}

/** The metric's total split by one label's values (e.g. provider calls by `call`). */
export function sumBy(samples: readonly Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = s.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}
