/**
 * A few counters and gauges rendered in the Prometheus text exposition format (version 0.0.4).
 * Hand-rolled because the watcher needs a dozen series, not a client library's weight.
 */
export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

class Metric {
  readonly #series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}

  protected update(labels: Labels, apply: (value: number) => number): void {
    const key = seriesKey(labels);
    const series = this.#series.get(key) ?? { labels, value: 0 };
    series.value = apply(series.value);
    this.#series.set(key, series);
  }

  value(labels: Labels = {}): number {
    return this.#series.get(seriesKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.#series.values()) {
      lines.push(`${this.name}${renderLabels(labels)} ${value}`);
    }
    return lines.join('\n');
  }
}

export class Counter extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.update(labels, (value) => value + by);
  }
}

export class Gauge extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  set(value: number, labels: Labels = {}): void {
    this.update(labels, () => value);
  }
}

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((key) => `${key}="${escapeLabelValue(labels[key] ?? '')}"`).join(',')}}`;
}

const prefix = 'fleet_secrets_watcher';

/** Every series the watcher exports; one instance per process, passed to whoever counts. */
export class WatcherMetrics {
  readonly noticesSent = new Counter(
    `${prefix}_notices_sent_total`,
    'Notices delivered to the ingest function.',
  );
  readonly digestsSent = new Counter(`${prefix}_digests_sent_total`, 'Resync digests delivered, by kind.');
  readonly invocations = new Counter(
    `${prefix}_invocations_total`,
    'Invocations of the ingest function, by outcome (success, failure).',
  );
  readonly noticesCoalesced = new Counter(
    `${prefix}_notices_coalesced_total`,
    'Changes folded into a notice already pending for the same object.',
  );
  readonly noticesDropped = new Counter(
    `${prefix}_notices_dropped_total`,
    'Notices dropped because the queue was full; the next digest heals them.',
  );
  readonly relists = new Counter(
    `${prefix}_relists_total`,
    'Full lists of a kind, by reason (initial, expired, resync).',
  );
  readonly watchRestarts = new Counter(
    `${prefix}_watch_restarts_total`,
    'Watch connections re-opened, by kind and reason (timeout, error, stalled).',
  );
  readonly watchEvents = new Counter(
    `${prefix}_watch_events_total`,
    'Watch events received, by kind and type.',
  );
  readonly statusOnlySkipped = new Counter(
    `${prefix}_status_only_changes_skipped_total`,
    'Modifications that changed neither generation, labels nor annotations (status writes), not forwarded.',
  );
  readonly pendingNotices = new Gauge(
    `${prefix}_pending_notices`,
    'Objects with a notice waiting to be sent.',
  );
  readonly watchedObjects = new Gauge(`${prefix}_watched_objects`, 'Objects currently known, by kind.');

  render(): string {
    const all = [
      this.noticesSent,
      this.digestsSent,
      this.invocations,
      this.noticesCoalesced,
      this.noticesDropped,
      this.relists,
      this.watchRestarts,
      this.watchEvents,
      this.statusOnlySkipped,
      this.pendingNotices,
      this.watchedObjects,
    ];
    const memory = process.memoryUsage();
    const processGauges = [
      ['process_resident_memory_bytes', 'Resident set size of the watcher process.', memory.rss],
      ['nodejs_heap_used_bytes', 'V8 heap in use.', memory.heapUsed],
      ['nodejs_heap_total_bytes', 'V8 heap reserved.', memory.heapTotal],
    ] as const;
    const processLines = processGauges.map(
      ([name, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`,
    );
    return `${[...all.map((metric) => metric.render()), ...processLines].join('\n')}\n`;
  }
}
