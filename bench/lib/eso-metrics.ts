/** What ESO's own counters say about one controller between two scrapes of its /metrics (pure). */
import { diffSamples, type Sample, sumBy, sumMetric } from './prometheus.js';

const PROVIDER_CALLS = 'externalsecret_provider_api_calls_count';
const REST_REQUESTS = 'rest_client_requests_total';

export interface EsoMetricsDelta {
  providerCalls: number;
  providerCallsByCall: Record<string, number>;
  apiserverRequests: number;
  apiserverByMethod: Record<string, number>;
  cpuSeconds: number;
  rssMiB: number;
}

/** What one ESO controller's counters moved by between two scrapes (pure). */
export function esoDelta(before: readonly Sample[], after: readonly Sample[]): EsoMetricsDelta {
  const d = diffSamples(before, after);
  return {
    providerCalls: sumMetric(d, PROVIDER_CALLS),
    providerCallsByCall: sumBy(d, PROVIDER_CALLS, 'call'),
    apiserverRequests: sumMetric(d, REST_REQUESTS),
    apiserverByMethod: sumBy(d, REST_REQUESTS, 'method'),
    cpuSeconds: Math.round(sumMetric(d, 'process_cpu_seconds_total') * 100) / 100,
    rssMiB: Math.round((sumMetric(after, 'process_resident_memory_bytes') / 2 ** 20) * 10) / 10,
  };
}
