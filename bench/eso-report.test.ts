import { describe, expect, it } from 'vitest';
import type { EsoComparison } from './eso.js';
import { esoDelta } from './lib/eso-metrics.js';
import { parsePrometheusText } from './lib/prometheus.js';
import { type BenchResults, esoRates, esoSection, mergeResults, renderMarkdown } from './report.js';

const spread = (p50: number, max: number, n = 4) => ({ n, min: p50, p50, p95: max, max, mean: p50 });
const counts = (reads: number, writes: number) => ({
  total: reads + writes,
  reads,
  writes,
  byAction: { list: reads, apply: writes },
});

function comparison(): EsoComparison {
  const cluster = {
    providerCalls: 150,
    providerCallsByCall: { GetSecretValue: 150 },
    apiserverRequests: 600,
    apiserverByMethod: { GET: 300, PATCH: 300 },
    cpuSeconds: 6,
    rssMiB: 130,
  };
  return {
    version: '0.16.2',
    build: { seconds: 0.2, cached: true },
    flags: ['--enable-leader-election=false', '--metrics-addr=127.0.0.1:<free port>'],
    environment: ['AWS_SECRETSMANAGER_ENDPOINT=<moto>'],
    options: {
      clusters: 3,
      objects: 50,
      keys: 10,
      large: 500,
      windowMinutes: 3,
      rotations: 4,
      oursRotations: 5,
    },
    refreshInterval: '1m',
    rotation: {
      ours: {
        clusters: 3,
        secretsPerRotation: 15,
        rotations: 5,
        visibleMs: spread(300, 500, 5),
        firstSecretMs: spread(200, 300, 5),
        settledMs: spread(400, 600, 5),
        fanoutMs: spread(50, 60, 5),
        firstVisibleMs: 700,
        perRotation: {
          reconcileInvocations: 3,
          batchGetSecretValue: 3,
          dynamodb: { reads: 1, writes: 1, rru: 1, wru: 1 } as never,
          apiserverWrites: 30,
        },
        readBackMismatches: 0,
        timeouts: 0,
      },
      eso: {
        secretsPerRotation: 15,
        rotations: 4,
        visibleMs: spread(33_000, 58_000),
        firstSecretMs: spread(5_000, 20_000),
        timeouts: 0,
        readBackMismatches: 0,
      },
    },
    steady: {
      // Three minutes: three refreshes per object.
      windowMs: 180_000,
      perCluster: [cluster, { ...cluster, apiserverRequests: 610, rssMiB: 120 }, { ...cluster, rssMiB: 140 }],
      ours: {
        refreshPass: {
          invocations: 3,
          batchGetSecretValue: 3,
          apiserverPerCluster: counts(2, 2),
          ms: [100, 100, 100],
        },
        driftPass: {
          invocations: 3,
          batchGetSecretValue: 0,
          apiserverPerCluster: counts(2, 0),
          ms: [50, 50, 50],
        },
        sweepMs: 20,
        driftChecksPerHour: 12,
        providerCallsPerHour: 3,
        apiserverRequestsPerHourPerCluster: 26,
        lambda: { invocationsPerHour: 96, gbSecondsPerHour: 2.55, usdPerHour: 0.000053 },
      },
    },
    initialSync: [
      {
        objects: 50,
        oursMs: 1_000,
        esoMs: 5_000,
        esoProviderCalls: 50,
        esoApiserverRequests: 200,
        oursProviderCalls: 1,
        oursApiserverRequests: 60,
        esoRssMiB: 130,
        oursCreateMs: 800,
        esoCreateMs: 900,
      },
      {
        objects: 500,
        oursMs: 4_000,
        esoMs: 40_000,
        esoProviderCalls: 500,
        esoApiserverRequests: 2_000,
        oursProviderCalls: 1,
        oursApiserverRequests: 510,
        esoRssMiB: 160,
      },
    ],
    watcher: { rssMiB: 78, objects: 5_000, source: 'bench/watcher-memory-results.json (2026-11-23)' },
    seconds: 300,
  };
}

describe('esoDelta', () => {
  it("diffs one controller's provider calls, apiserver requests and CPU, and keeps the last RSS", () => {
    const before = parsePrometheusText(
      [
        'externalsecret_provider_api_calls_count{call="GetSecretValue",provider="AWS/SecretsManager",status="success"} 100',
        'rest_client_requests_total{code="200",host="h",method="GET"} 40',
        'process_cpu_seconds_total 1.5',
        'process_resident_memory_bytes 1.048576e+08',
      ].join('\n'),
    );
    const after = parsePrometheusText(
      [
        'externalsecret_provider_api_calls_count{call="GetSecretValue",provider="AWS/SecretsManager",status="success"} 250',
        'externalsecret_provider_api_calls_count{call="DescribeSecret",provider="AWS/SecretsManager",status="error"} 1',
        'rest_client_requests_total{code="200",host="h",method="GET"} 100',
        'rest_client_requests_total{code="200",host="h",method="PATCH"} 50',
        'process_cpu_seconds_total 3.75',
        'process_resident_memory_bytes 1.36314880e+08',
      ].join('\n'),
    );
    expect(esoDelta(before, after)).toEqual({
      providerCalls: 151,
      providerCallsByCall: { GetSecretValue: 150, DescribeSecret: 1 },
      apiserverRequests: 110,
      apiserverByMethod: { GET: 60, PATCH: 50 },
      cpuSeconds: 2.25,
      rssMiB: 130,
    });
  });
});

describe('the ESO comparison in the report', () => {
  it('turns a window at refreshInterval 1m into per-refresh and per-hour rates', () => {
    const rates = esoRates(comparison());
    expect(rates.refreshes).toBe(3);
    expect(rates.callsPerObjectPerRefresh).toBe(1);
    expect(rates.callsPerHourAt1h).toBe(150);
    expect(rates.callsPerHourAt1m).toBe(9_000);
    expect(rates.requestsPerHourAt1h).toBe(200);
    expect(rates.requestsPerObjectPerRefresh).toBe(4);
    expect(rates.rssMiB).toBe(130);
    expect(rates.cpuSecondsPerHourAt1m).toBe(120);
  });

  it('renders each scenario for both sides with the ratio', () => {
    const md = esoSection(comparison());
    expect(md).toContain('| ESO / fleet-secrets |');
    expect(md).toContain('p50 33.0 s, max 58.0 s (n=4, 0 timeouts)');
    // (a) 33 s vs 300 ms; at 1h, 30 min vs 300 ms.
    expect(md).toMatch(/p50 300 ms, max 500 ms \(n=5; event-driven\) \| .* \| 110x \|/);
    expect(md).toContain('| 6,000x |');
    // (b) 150 vs 3 calls per hour; (c) 200 vs 26 requests per hour.
    expect(md).toMatch(/\*\*3\*\* BatchGetSecretValue.*\| \*\*150\*\* .*\| 50x \|/);
    expect(md).toMatch(/\*\*26\*\* .*\| \*\*200\*\* .*\| 7.69x \|/);
    // (e) both sizes.
    expect(md).toMatch(/initial sync of 50 .*\| 1,000 ms .*\| 5,000 ms .*\| 5x \|/);
    expect(md).toMatch(/initial sync of 500 .*\| 40.0 s .*\| 10x \|/);
    expect(md).toContain('per ExternalSecret per refresh (2 GET, 2 PATCH)');
    expect(md).toContain('1,000 ms (1 BatchGetSecretValue, 60 apiserver requests; the creates took 800 ms)');
    expect(md).toContain('`eso --enable-leader-election=false --metrics-addr=127.0.0.1:<free port>`');
  });

  it('leads docs/benchmarks.md, and a partial run merges into the saved results without dropping sections', () => {
    const saved = {
      generatedAt: '2026-12-01T00:00:00.000Z',
      environment: {
        node: 'v24',
        cpus: 2,
        cpuModel: 'x',
        memoryGiB: 23,
        loadAverageAtStart: [1],
        commit: 'abc',
      },
      settings: { rotations: 10 },
      bundles: [{ name: 'sweep', bytes: 1024, importMs: spread(10, 20) }],
    } as unknown as BenchResults;
    const partial = { ...saved, generatedAt: 'later', bundles: undefined, eso: comparison() } as BenchResults;
    const merged = mergeResults(saved, partial);
    expect(merged.bundles).toEqual(saved.bundles);
    expect(merged.eso?.version).toBe('0.16.2');
    expect(merged.generatedAt).toBe(saved.generatedAt);
    const md = renderMarkdown({ ...merged, bundles: undefined });
    expect(md.indexOf('## fleet-secrets beside External Secrets Operator')).toBeLessThan(
      md.indexOf('## Summary'),
    );
  });
});
