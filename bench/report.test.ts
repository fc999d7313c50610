import { describe, expect, it } from 'vitest';
import { num, renderMarkdown, spreadText, usd } from './report.js';

describe('number formatting', () => {
  it('should keep three significant digits of small unit costs and whole numbers of large ones', () => {
    expect(num(0.0345)).toBe('0.0345');
    expect(num(4.56789)).toBe('4.57');
    expect(num(12345.6)).toBe('12,346');
    expect(num(0)).toBe('0');
  });

  it('should never print a cost below a cent as zero', () => {
    expect(usd(0.004)).toBe('< $0.01');
    expect(usd(0)).toBe('$0.00');
    expect(usd(1234.5)).toBe('$1,234.50');
  });

  it('should show the median, the 95th percentile, the maximum and the sample count of a time', () => {
    expect(spreadText({ n: 10, min: 90, p50: 120, p95: 300, max: 310, mean: 150 })).toBe(
      '120 / 300 / 310 ms (min 90, n=10)',
    );
    expect(
      spreadText({
        n: 0,
        min: Number.NaN,
        p50: Number.NaN,
        p95: Number.NaN,
        max: Number.NaN,
        mean: Number.NaN,
      }),
    ).toBe('n/a');
  });
});

describe('renderMarkdown', () => {
  it('should render a run with no benchmark sections as a header, an empty summary and the repetitions', () => {
    const text = renderMarkdown({
      generatedAt: '2026-01-01T00:00:00.000Z',
      environment: {
        node: 'v20',
        cpus: 2,
        cpuModel: 'test',
        memoryGiB: 8,
        loadAverageAtStart: [1, 1, 1],
        loadAverageAtEnd: [1, 1, 1],
        totalSeconds: 1,
        commit: 'abc',
      },
      settings: { rotations: 10, importRepetitions: 5, scaleClusters: 10, scaleIdle: 190 },
    });
    expect(text).toContain('# Benchmarks');
    expect(text).toContain('## Summary');
    expect(text).toContain('## Repetitions');
    expect(text).not.toContain('## 1. Rotation propagation');
  });
});
