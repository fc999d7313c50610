/**
 * Runs in a fresh node process (compiled to plain JS by bench/reconcile-memory.ts, so no loader
 * sits in the measured memory): imports the reconcile-cluster BUNDLE, as Lambda would, and invokes
 * its handler once per phase against DynamoDB Local, moto and a real kube-apiserver (endpoints come
 * from the AWS_ENDPOINT_URL_* variables the SDK reads). Samples memory all along; writes the
 * numbers to BENCH_RESULT_FILE. Imports only node built-ins: everything else is in the bundle.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Phase {
  name: string;
  event: unknown;
}

interface PhaseResult {
  name: string;
  ms: number;
  cpuMs: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
  logBytes: number;
  result: unknown;
}

const MiB = 2 ** 20;
const bundle = process.env.BENCH_BUNDLE as string;
const resultFile = process.env.BENCH_RESULT_FILE as string;
const phases = JSON.parse(readFileSync(process.env.BENCH_PHASES_FILE as string, 'utf8')) as Phase[];

// Log lines (Powertools JSON and EMF) are counted, not shown: CloudWatch Logs bills their bytes.
let logBytes = 0;
for (const stream of [process.stdout, process.stderr]) {
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
};
const sampler = setInterval(sample, 10);

const importStarted = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const importMs = performance.now() - importStarted;
sample();
const afterImport = {
  rssMiB: process.memoryUsage().rss / MiB,
  heapUsedMiB: process.memoryUsage().heapUsed / MiB,
};

const results: PhaseResult[] = [];
for (const phase of phases) {
  peakRss = 0;
  peakHeap = 0;
  sample();
  const bytesBefore = logBytes;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await handler(phase.event, {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'fleet-secrets-bench-reconcile-cluster',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:123456789012:function:fleet-secrets-bench-reconcile-cluster',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/fleet-secrets-bench-reconcile-cluster',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  sample();
  results.push({
    name: phase.name,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMiB: peakRss / MiB,
    peakHeapUsedMiB: peakHeap / MiB,
    logBytes: logBytes - bytesBefore,
    result,
  });
}
clearInterval(sampler);
writeFileSync(
  resultFile,
  JSON.stringify({
    importMs,
    afterImport,
    phases: results,
    // Kernel's high-water mark of the whole process: the number Lambda's "Max Memory Used" reports.
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
process.exit(0);
