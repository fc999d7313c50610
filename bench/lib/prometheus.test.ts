import { describe, expect, it } from 'vitest';
import { diffSamples, parsePrometheusText, seriesKey, sumBy, sumMetric } from './prometheus.js';

const scrape = `# HELP externalsecret_provider_api_calls_count Number of API calls towards the secret provider
# TYPE externalsecret_provider_api_calls_count counter
externalsecret_provider_api_calls_count{call="GetSecretValue",provider="AWS/SecretsManager",status="success"} 150
externalsecret_provider_api_calls_count{call="DescribeSecret",provider="AWS/SecretsManager",status="error"} 2
# TYPE rest_client_requests_total counter
rest_client_requests_total{code="200",host="127.0.0.1:6443",method="GET"} 40
rest_client_requests_total{code="200",host="127.0.0.1:6443",method="PATCH"} 12
rest_client_requests_total{code="201",host="127.0.0.1:6443",method="POST"} 3
process_resident_memory_bytes 1.3631488e+08
process_cpu_seconds_total 4.25
odd_label{path="a \\"quoted\\" \\\\ back\\nslash"} 1 1700000000000
histogram_bucket{le="+Inf"} 7
gauge_nan NaN
this is not a sample
`;

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(scrape);

  it('reads names, labels and values, skipping comments and malformed lines', () => {
    expect(samples).toHaveLength(10);
    expect(samples[0]).toEqual({
      name: 'externalsecret_provider_api_calls_count',
      labels: { call: 'GetSecretValue', provider: 'AWS/SecretsManager', status: 'success' },
      value: 150,
    });
    expect(samples.find((s) => s.name === 'process_resident_memory_bytes')?.value).toBe(136_314_880);
  });

  it('unescapes label values and ignores the timestamp', () => {
    const odd = samples.find((s) => s.name === 'odd_label');
    expect(odd?.labels.path).toBe('a "quoted" \\ back\nslash');
    expect(odd?.value).toBe(1);
  });

  it('reads +Inf label values and NaN values', () => {
    expect(samples.find((s) => s.name === 'histogram_bucket')?.labels.le).toBe('+Inf');
    expect(Number.isNaN(samples.find((s) => s.name === 'gauge_nan')?.value)).toBe(true);
  });

  it('sums by label match and splits by a label', () => {
    expect(sumMetric(samples, 'externalsecret_provider_api_calls_count')).toBe(152);
    expect(sumMetric(samples, 'externalsecret_provider_api_calls_count', { call: 'GetSecretValue' })).toBe(
      150,
    );
    expect(sumMetric(samples, 'rest_client_requests_total', { method: /^(PATCH|POST|PUT|DELETE)$/ })).toBe(
      15,
    );
    expect(sumMetric(samples, 'rest_client_requests_total', { verb: 'GET' })).toBe(0);
    expect(sumBy(samples, 'rest_client_requests_total', 'method')).toEqual({ GET: 40, PATCH: 12, POST: 3 });
  });
});

describe('diffSamples', () => {
  it('subtracts series by identity, counts new series from zero and restarts from their value', () => {
    const before = parsePrometheusText(`a{x="1",y="2"} 10\na{x="2"} 5\nb 7\n`);
    const after = parsePrometheusText(`a{y="2",x="1"} 25\na{x="2"} 5\na{x="3"} 4\nb 3\n`);
    const diff = diffSamples(before, after);
    expect(diff.map((s) => [seriesKey(s), s.value])).toEqual([
      ['a{x="1",y="2"}', 15],
      ['a{x="2"}', 0],
      ['a{x="3"}', 4],
      ['b{}', 3],
    ]);
  });
});
