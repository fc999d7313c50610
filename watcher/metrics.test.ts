import { describe, expect, it } from 'vitest';
import { Counter, WatcherMetrics } from './metrics.js';

describe('metrics', () => {
  it('should render counters with sorted, escaped labels in the Prometheus text format', () => {
    const counter = new Counter('demo_total', 'A demo.');
    counter.inc({ kind: 'ExternalSecret', reason: 'say "hi"\n' });
    counter.inc({ reason: 'say "hi"\n', kind: 'ExternalSecret' }, 2);
    counter.inc();
    expect(counter.render()).toBe(
      [
        '# HELP demo_total A demo.',
        '# TYPE demo_total counter',
        'demo_total{kind="ExternalSecret",reason="say \\"hi\\"\\n"} 3',
        'demo_total 1',
      ].join('\n'),
    );
  });

  it('should expose the watcher series and process memory', () => {
    const metrics = new WatcherMetrics();
    metrics.noticesSent.inc({ kind: 'ExternalSecret' }, 4);
    metrics.pendingNotices.set(2);
    const text = metrics.render();
    expect(text).toContain('fleet_secrets_watcher_notices_sent_total{kind="ExternalSecret"} 4');
    expect(text).toContain('fleet_secrets_watcher_pending_notices 2');
    expect(text).toContain('# TYPE fleet_secrets_watcher_relists_total counter');
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text.endsWith('\n')).toBe(true);
  });
});
