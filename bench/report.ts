/**
 * Renders the results as docs/benchmarks.md and a short console summary (pure). The prose around
 * the tables states what each number is and is not; every figure comes from the results object.
 */
import type { BundleResult } from './cold-start.js';
import type {
  DbCost,
  Load,
  ModelAssumptions,
  MonthlyModel,
  PhaseSimulation,
  PRICES,
  Units,
} from './cost-model.js';
import { PRICES as PRICES_VALUE } from './cost-model.js';
import type { EsoComparison } from './eso.js';
import type { FleetResult } from './fleet-sweep.js';
import type { DynamoDbUsage } from './lib/dynamodb-meter.js';
import type { Spread } from './lib/stats.js';
import type { MemoryResult } from './reconcile-memory.js';
import type { RotationResult } from './rotation.js';
import type { ScaleMeasurements } from './scale-model.js';

export interface BenchResults {
  generatedAt: string;
  environment: {
    node: string;
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
    totalSeconds?: number;
    commit: string;
  };
  settings: Record<string, number>;
  /** fleet-secrets beside External Secrets Operator (bench/eso.ts). */
  eso?: EsoComparison;
  bundles?: BundleResult[];
  rotation?: RotationResult;
  fleet?: FleetResult;
  memory?: MemoryResult;
  scale?: {
    measured: ScaleMeasurements;
    units: Units;
    assumptions: ModelAssumptions;
    prices: typeof PRICES;
    simulation: PhaseSimulation;
    uniformDueShare: number;
    fleets: MonthlyModel[];
    metrics: string[];
  };
}

export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function dec(x: number, digits = 1): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Up to 3 significant digits below 10, whole numbers above: unit costs can be fractions. */
export function num(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 10) return int(x);
  return Number(x.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

export function usd(x: number): string {
  if (x > 0 && x < 0.01) return '< $0.01';
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "p50 / p95 / max" with the sample count, for times. */
export function spreadText(s: Spread, unit = 'ms'): string {
  if (s.n === 0) return 'n/a';
  return `${int(s.p50)} / ${int(s.p95)} / ${int(s.max)} ${unit} (min ${int(s.min)}, n=${s.n})`;
}

function ddbText(u: DynamoDbUsage | DbCost | undefined): string {
  if (!u) return '0';
  const requests =
    'requests' in u && typeof u.requests === 'number'
      ? u.requests
      : (u as DynamoDbUsage).reads + (u as DynamoDbUsage).writes;
  return `${num(requests)} req, ${num(u.rru)} RRU, ${num(u.wru)} WRU`;
}

function actions(byAction: Record<string, number>): string {
  const entries = Object.entries(byAction);
  return entries.length === 0 ? 'none' : entries.map(([a, n]) => `${n} ${a}`).join(', ');
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function rotationSection(r: RotationResult): string {
  const rows = r.sizes.map((s) => [
    String(s.clusters),
    String(s.secretsPerRotation),
    String(s.perRotation.reconcileInvocations),
    String(s.perRotation.batchGetSecretValue),
    String(s.perRotation.apiserverWrites),
    ddbText(s.perRotation.dynamodb),
    spreadText(s.visibleMs),
    spreadText(s.firstSecretMs),
    spreadText(s.settledMs),
    `${int(s.fanoutMs.p50)} ms`,
    s.firstVisibleMs === undefined ? 'timeout' : `${int(s.firstVisibleMs)} ms`,
  ]);
  const checks = r.sizes.map(
    (s) => `${s.readBackMismatches} mismatches, ${s.timeouts} timeouts (N=${s.clusters})`,
  );
  return [
    '## 1. Rotation propagation',
    '',
    `${r.keys} secrets per fleet size, each referenced by ${r.perKey} ExternalSecrets in every cluster of the fleet. ` +
      'Per rotation: a new value is put in moto, the native `Secret Label Updated` event (from ' +
      '`infra-tests/fixtures/events/secret-label-updated.json`) is handed to the rotation handler, and the clock ' +
      "stops when a watch on each cluster's API server has shown the new value in the last of the N x " +
      `${r.perKey} Secrets. Every Secret is then read back with a GET (${checks.join('; ')}).`,
    '',
    'Counts per rotation (identical for every rotation of a size):',
    '',
    table(
      [
        'clusters N',
        'Secrets rewritten',
        'reconcile-cluster invocations',
        'BatchGetSecretValue',
        'apiserver writes',
        'DynamoDB (all functions)',
        'event -> last Secret visible, p50 / p95 / max',
        'event -> first Secret visible',
        'event -> all invocations done',
        'rotation handler',
        'first (untimed) rotation',
      ],
      rows,
    ),
    '',
    'What the times include and leave out: the rotation handler (reverse-index query, event claim), one ' +
      'reconcile-cluster invocation per cluster through the in-process invoker (no Lambda queueing and no cold ' +
      'start: clients and TLS connections are warm after the initial sync), DynamoDB Local, moto and N real ' +
      'kube-apiservers. Apiserver writes per rotation are the Secret applies, status patches and Events. Every ' +
      'process (N apiservers, etcd, DynamoDB Local, moto, the benchmark) shares the 2 cores of this machine, so ' +
      'the growth with N measures that contention as much as the design: in AWS each cluster is its own Lambda ' +
      'invocation and its own API server.',
  ].join('\n');
}

function fleetSection(f: FleetResult): string {
  const p = f.providerCalls;
  const passRows = f.passes.map((pass) => [
    pass.name,
    `${pass.perCluster.reads} / ${pass.perCluster.writes}${pass.alike ? '' : ' (varies)'}`,
    actions(pass.perCluster.byAction),
    String(pass.batchGetSecretValue),
    `${pass.synced} / ${pass.unchanged} / ${pass.failed}`,
    String(pass.rendered),
    spreadText(pass.invocationMs),
  ]);
  return [
    '## 2. Provider calls per sweep',
    '',
    `${f.clusters} real clusters x ${f.objectsPerCluster} ExternalSecrets over ${f.keys} distinct keys ` +
      `(${f.refsPerObject} remote ref each), every object due for refresh. State store here: the in-memory ` +
      'dev-mode LocalStateStore, since these counts do not depend on it and DynamoDB Local would only make this ' +
      'the slowest part of the run; what the same passes cost in DynamoDB is measured in the scale model below.',
    '',
    table(
      ['who reads', 'Secrets Manager calls per sweep', 'how'],
      [
        [
          'fleet-secrets as deployed',
          `**${p.oursPerSweep}** BatchGetSecretValue (${dec(p.oursPerInvocation, 1)} per invocation; ceil(${f.keys}/20) = ${p.expectedPerInvocation})`,
          `one reconcile-cluster Lambda per cluster, each coalescing its own reads: N x ceil(K/20)`,
        ],
        [
          'fleet-secrets, one process for all clusters',
          `**${p.sharedReaderPerSweep}** BatchGetSecretValue`,
          'in-process only (dev mode, this benchmark): all passes share one reader, so ceil(K/20) for the fleet',
        ],
        [
          'per-object controller (ESO)',
          `**${int(p.perObjectControllerPerRefresh)}** GetSecretValue`,
          `N x M x refs = ${f.clusters} x ${f.objectsPerCluster} x ${f.refsPerObject}, per refresh interval`,
        ],
      ],
    ),
    '',
    `Coalescing across clusters does **not** hold as deployed: each reconcile-cluster invocation is a separate ` +
      `Lambda with its own reader, so the real number is N x ceil(K/20) = ${p.oursPerSweep}, ` +
      `${dec(p.perObjectControllerPerRefresh / Math.max(1, p.oursPerSweep), 0)}x fewer calls than per-object ` +
      `polling. The fleet-wide ceil(K/20) = ${p.sharedReaderPerSweep} is only reached when one process drives every cluster.`,
    '',
    '## 3. Kubernetes requests per cluster per pass',
    '',
    `Counted on the wire by the Kubernetes adapter's request counter, per cluster (${f.clusters} clusters, ` +
      `${f.objectsPerCluster} ExternalSecrets each; "(varies)" would mark clusters that differed). Every object ` +
      'is due in the refresh passes (the clock is moved two hours on); in the drift checks none is.',
    '',
    table(
      [
        'pass',
        'reads / writes per cluster',
        'requests per cluster',
        'BatchGetSecretValue (fleet)',
        'synced / unchanged / failed (fleet)',
        'rendered',
        'invocation time p50 / p95 / max',
      ],
      passRows,
    ),
    '',
    'Nothing changed costs one metadata-only LIST of the managed Secrets per cluster and no write, whether it is a ' +
      'drift check (no value read) or a refresh of every object (values read and compared by HMAC). A changed value ' +
      'or an edited Secret costs one server-side apply, one status patch and one Event per affected object; drift is ' +
      'seen from the LIST alone (the resourceVersion we wrote differs), no Secret data is read back. Times are for ' +
      `all ${f.clusters} invocations running at once on this machine.`,
  ].join('\n');
}

function bundleSection(bundles: BundleResult[]): string {
  return [
    '### Bundles and import time',
    '',
    'Built by `scripts/build-functions.ts` (`npm run build`: minified, tree-shaken ESM, nothing external). Import ' +
      'time is a fresh `node` process importing the bundle: the part of a cold start that the code decides.',
    '',
    table(
      ['function', 'bundle', 'gzip', 'import p50 / p95 / max', 'RSS after import (p50)'],
      bundles.map((b) => [
        b.name,
        `${dec(b.bytes / 1024, 0)} KiB`,
        `${dec(b.gzipBytes / 1024, 0)} KiB`,
        b.importError ? `failed: ${b.importError}` : spreadText(b.importMs),
        `${dec(b.rssAfterImportMiB.p50)} MiB`,
      ]),
    ),
  ].join('\n');
}

function memorySection(m: MemoryResult): string {
  return [
    `### reconcile-cluster with ${int(m.objects)} ExternalSecrets in one cluster`,
    '',
    `The reconcile-cluster **bundle** in a fresh node process (no TypeScript loader), against a real ` +
      `kube-apiserver of its own, DynamoDB Local and moto (endpoints through the SDK's AWS_ENDPOINT_URL_* ` +
      `variables). ${int(m.objects)} ExternalSecrets in ${m.namespaces} namespaces, 2 properties each, over ` +
      `${m.keys} JSON secrets. Import took ${int(m.importMs)} ms (RSS ${dec(m.afterImport.rssMiB)} MiB after it). ` +
      `**Peak RSS of the process: ${dec(m.maxRssMiB)} MiB** (the kernel's high-water mark, what Lambda reports as ` +
      `"Max Memory Used"; the function has 1024 MB). ${m.readBackChecked} Secrets read back: ` +
      `${m.readBackMismatches} mismatches.`,
    '',
    table(
      [
        'invocation',
        'what',
        'time',
        'CPU',
        'objects/s',
        'peak RSS',
        'peak heap used',
        'apiserver requests',
        'provider calls',
        'log bytes',
      ],
      m.phases.map((p) => [
        p.name,
        p.what,
        `${int(p.ms)} ms`,
        `${int(p.cpuMs)} ms`,
        dec(p.objectsPerSecond, 0),
        `${dec(p.peakRssMiB)} MiB`,
        `${dec(p.peakHeapUsedMiB)} MiB`,
        `${p.apiserver.reads} reads / ${p.apiserver.writes} writes (${actions(p.apiserver.byAction)})`,
        Object.values(p.providerCalls)
          .map((ops) => actions(ops))
          .join('; ') || 'none',
        int(p.logBytes),
      ]),
    ),
  ].join('\n');
}

function throughputSection(m: MemoryResult | undefined, f: FleetResult | undefined): string {
  const lines = ['## 5. Throughput', ''];
  if (m) {
    const rows = m.phases.map((p) => [
      p.name,
      `${int(p.synced + p.unchanged)}`,
      `${int(p.ms)} ms`,
      `**${dec(p.objectsPerSecond, 0)}**`,
    ]);
    lines.push(
      `ExternalSecrets reconciled per second inside one reconcile-cluster invocation (the ${int(m.objects)}-object ` +
        'cluster above, the bundle in its own process):',
      '',
      table(['invocation', 'objects', 'time', 'objects / s'], rows),
      '',
    );
  }
  if (f) {
    lines.push(
      `Initial sync of the ${f.clusters} x ${f.objectsPerCluster} fleet (in-memory state store), ${f.clusters} ` +
        `invocations at once in one process next to the ${f.clusters} apiservers: ` +
        `${spreadText(f.initialSync.invocationMs)} per invocation, ` +
        `${dec(f.initialSync.objectsPerSecondPerInvocation.p50, 0)} objects/s per invocation (p50).`,
      '',
    );
  }
  lines.push(
    'Every object written costs a server-side apply, a status patch and an Event on the API server and a ' +
      "conditional status write in the state store; DynamoDB Local's latency on this shared machine is far above " +
      "DynamoDB's, so the bundle's numbers are lower bounds for the same code in AWS.",
  );
  return lines.join('\n');
}

function loadRow(label: string, l: Load): string[] {
  const inv = l.invocations;
  return [
    label,
    int(inv.rotation + inv.sweep + inv.ingest + inv.reconcile),
    int(inv.reconcile),
    num(l.providerCalls),
    int(l.dynamoDb.requests),
    int(l.dynamoDb.rru),
    int(l.dynamoDb.wru),
  ];
}

function scaleSection(scale: NonNullable<BenchResults['scale']>): string {
  const { measured: m, units: u, assumptions: a, fleets, simulation: sim } = scale;
  const o = m.options;
  const unitRows: string[][] = [
    [
      'reconcile-cluster, fixed part of one invocation',
      ddbText(u.pass),
      'lease, cluster record, all snapshots + statuses of the cluster, release',
    ],
    [
      'reconcile-cluster, per object refreshed',
      ddbText(u.perObject),
      'status write (and its due-index entry)',
    ],
    ['sweep, fixed', ddbText(u.sweep.fixed), '16 due-index shard queries'],
    ['sweep, per registered cluster', ddbText(u.sweep.perCluster), 'listClusters'],
    ['sweep, per due object', ddbText(u.sweep.perDueObject), 'due-index entries read'],
    ['sweep, per drift check queued', ddbText(u.sweep.perDriftCheck), 'nextDriftCheckAt update'],
    ['rotation, fixed', ddbText(u.rotation.fixed), 'reverse-index query, event claim'],
    [
      'rotation, per dependent',
      ddbText(u.rotation.perDependent),
      `reverse-index entries read (from a probe key with ${m.dependentsQuery.dependents} dependents)`,
    ],
    [
      'ingest, per notice',
      ddbText(u.ingestPerNotice),
      're-read object, snapshot + reverse index (transaction)',
    ],
  ];
  const measuredRows: string[][] = (
    [
      ['initial sync (ingest -> reconcile)', m.initialSync],
      ['drift check, nothing changed', m.driftCheck],
      ['scoped refresh of 2 objects', m.scopedRefresh2],
      ['full refresh of 100 objects', m.fullRefresh],
      ['rotation of a fleet-wide key', m.rotationFleetKey],
      ["rotation of one cluster's key", m.rotationOwnKey],
    ] as Array<[string, ScaleMeasurements['driftCheck']]>
  ).map(([label, c]) => [
    label,
    String(c.invocations),
    ddbText(c.dynamodb['reconcile-cluster']),
    num(c.providerCallsPerInvocation),
    `${num(c.kubePerInvocation.reads)} / ${num(c.kubePerInvocation.writes)}`,
    spreadText(c.reconcileMs),
  ]);

  const sizes = [...new Set(fleets.map((f) => f.clusters))];
  const perEventRows = sizes.flatMap((clusters) => {
    const same = fleets.filter((f) => f.clusters === clusters);
    const first = same[0] as MonthlyModel;
    return [
      loadRow(
        `${int(clusters)} clusters: rotation of a key every cluster uses (${int(clusters * a.objectsPerFleetKey)} dependents)`,
        first.perRotationFleetKey,
      ),
      loadRow(`${int(clusters)} clusters: rotation of a key one cluster uses`, first.perRotationOwnKey),
      ...same.map((f) =>
        loadRow(`${int(clusters)} clusters: one sweep minute, ${f.phases.name}`, f.perSweepMinute),
      ),
    ];
  });
  const label = (f: MonthlyModel) => `${int(f.clusters)} clusters, ${f.phases.name}`;
  const monthRows = fleets.map((f) => loadRow(label(f), f.month));
  const services = Object.keys(fleets[0]?.cost ?? {});
  const costRows = [
    ...services.map((service) => [service, ...fleets.map((f) => usd(f.cost[service] ?? 0))]),
    ['**total**', ...fleets.map((f) => `**${usd(f.costTotal)}**`)],
  ];
  const esoRows = fleets.map((f) => [
    label(f),
    int(f.month.providerCalls),
    usd((f.month.providerCalls / 1e4) * scale.prices.secretsManagerPer10kApiCalls),
    int(f.perObjectControllerProviderCalls),
    usd((f.perObjectControllerProviderCalls / 1e4) * scale.prices.secretsManagerPer10kApiCalls),
  ]);
  const p = scale.prices;
  const d = a.durationsMs;
  const pct = (x: number) => `${dec(x * 100, x < 0.1 ? 1 : 0)}%`;
  return [
    '## Scale model: 1,000 clusters x 100 ExternalSecrets',
    '',
    `**Kubernetes is a STAND-IN here** (bench/lib/stand-in-cluster.ts: an in-memory cluster answering LIST, apply, ` +
      `status and event calls, counting them like the real adapter). Everything else is real: the handler cores with ` +
      `their middleware, the DynamoDB state store on DynamoDB Local (requests and capacity units counted by an SDK ` +
      `middleware that asks every request for its ConsumedCapacity), the provider factory on moto.`,
    '',
    `How: a sample of the simulated fleet, ${o.sampleClusters} clusters x ${o.objectsPerCluster} ExternalSecrets ` +
      `(${o.objectsPerCluster - o.ownKeys} over ${o.sharedKeys} fleet-wide keys, ${o.ownKeys} over keys of their own ` +
      `cluster), plus ${o.idleClusters} idle cluster records so the sweep's fleet-wide reads grow as they would, runs ` +
      'every event type through the control plane. Each reconcile-cluster invocation reads and writes only its own ' +
      "cluster's items, so its cost does not depend on the fleet size; the fleet-wide reads (cluster records, due " +
      'index, reverse index) are split into a fixed part and a part per item by comparing runs that differ only in ' +
      'that count. The 1,000-cluster figures are these measured unit costs times the event rates below. (Writing ' +
      `100,000 objects to DynamoDB Local is out of reach: it sustained ${int(m.dynamoDbLocalRequestsPerSecond)} ` +
      'requests/s in this run, and the objects alone need about 300,000.)',
    '',
    '### Measured per invocation',
    '',
    table(
      [
        'scenario',
        'reconcile invocations',
        'DynamoDB per reconcile invocation',
        'provider calls / invocation',
        'stand-in kube reads / writes per invocation',
        'invocation time here',
      ],
      measuredRows,
    ),
    '',
    '### Unit costs derived from them',
    '',
    table(['unit', 'DynamoDB', 'what'], unitRows),
    '',
    `Log bytes per invocation (Powertools JSON logs + EMF): rotation ${int(u.logBytes.rotation)}, sweep ` +
      `${int(u.logBytes.sweep)}, ingest ${int(u.logBytes.ingest)}, reconcile-cluster ${int(u.logBytes.reconcile.fixed)} ` +
      `plus ${int(u.logBytes.reconcile.perObject)} per object in scope (its "pass done" line carries every object's ` +
      `report, so a whole-cluster drift check of 100 objects logs about ` +
      `${dec((u.logBytes.reconcile.fixed + 100 * u.logBytes.reconcile.perObject) / 1024)} KiB). Custom metrics emitted ` +
      `(name x dimensions, seen in the EMF output of this run): ${u.customMetrics}.`,
    '',
    '### When refreshes come due',
    '',
    `The sweep hands out due objects once a minute, one invocation per cluster. How many invocations that makes ` +
      `depends on how the refresh times of a cluster's objects fall. A replay of the sweep over ${sim.hours} hours ` +
      `with the product's own nextRefreshAt (${sim.clusters} clusters x ${sim.objectsPerCluster} objects, all synced ` +
      `together at a deploy) gives: in hours 2-3, ${pct(sim.afterDeployShare)} of the minutes need a refresh ` +
      `invocation per cluster, ${dec(sim.afterDeployObjectsPerInvocation)} objects each; from hour 24 on, ` +
      `${pct(sim.steadyShare)}, ${dec(sim.steadyObjectsPerInvocation)} objects each. The jitter is stable per object ` +
      'and the sweep rounds to the minute, so objects synced together stay in a handful of groups that move by whole ' +
      "minutes per hour: a cluster's objects keep sharing invocations and BatchGetSecretValue calls. Objects created at " +
      `random times (or re-phased by rotations and edits) stay spread instead: then ${pct(scale.uniformDueShare)} of ` +
      `the minutes need an invocation, with ${dec(a.objectsPerCluster / a.refreshIntervalMinutes / scale.uniformDueShare)} ` +
      'objects each. Real fleets sit between the two; the model shows both ("deployed together", "phases spread").',
    '',
    '### Per rotation and per sweep',
    '',
    table(
      [
        'event',
        'Lambda invocations',
        'of which reconcile-cluster',
        'Secrets Manager calls',
        'DynamoDB requests',
        'RRU',
        'WRU',
      ],
      perEventRows,
    ),
    '',
    'A rotation costs one reconcile-cluster invocation and one BatchGetSecretValue per dependent cluster: each ' +
      'invocation is its own Lambda, so reads are coalesced within a cluster, not across clusters. The fixed cost of ' +
      `an invocation (${num(u.pass.rru)} RRU) is reading the whole cluster's snapshots and statuses, whatever the scope.`,
    '',
    '### Per month',
    '',
    table(
      [
        'fleet',
        'Lambda invocations',
        'of which reconcile-cluster',
        'Secrets Manager calls',
        'DynamoDB requests',
        'RRU',
        'WRU',
      ],
      monthRows,
    ),
    '',
    table(['monthly cost (USD)', ...fleets.map(label)], costRows),
    '',
    ...fleets
      .filter((f) => f.clusters === Math.max(...sizes))
      .map((f) => {
        const top = Object.entries(f.cost)
          .sort(([, x], [, y]) => y - x)
          .slice(0, 3)
          .map(
            ([service, dollars]) => `${service} ${usd(dollars)} (${dec((dollars / f.costTotal) * 100, 0)}%)`,
          );
        const drift = f.clusters / a.driftCheckMinutes;
        const perMinute = f.perSweepMinute.invocations.reconcile;
        const refreshed =
          f.clusters * f.phases.clusterDueShare * f.phases.objectsPerInvocation * a.minutesPerMonth;
        return (
          `${label(f)}: the largest lines are ${top.join(', ')}. Drift checks are ${int(drift)} of the ` +
          `${int(perMinute)} reconcile-cluster invocations a minute (${dec((drift / perMinute) * 100, 0)}%), each ` +
          `paying the fixed ${num(u.pass.rru)} RRU read of its cluster's items. Every periodic refresh rewrites the ` +
          `object's status (its next due time) even when nothing changed: ${num(u.perObject.wru)} WRU each, ` +
          `${dec((refreshed * u.perObject.wru * 100) / f.month.dynamoDb.wru, 0)}% of the month's write units.`
        );
      })
      .flatMap((line) => [line, '']),
    'Provider calls beside a per-object poller (ESO re-reads every data entry of every object each refresh ' +
      'interval; its controller pods and their Kubernetes traffic in every cluster are not priced here):',
    '',
    table(
      ['fleet', 'fleet-secrets calls / month', 'cost', 'per-object poller calls / month', 'cost'],
      esoRows,
    ),
    '',
    '### Assumptions',
    '',
    `Prices (public on-demand list prices, us-east-1, as assumed): Lambda $${p.lambdaRequestsPerMillion.toFixed(2)} per ` +
      `million requests and $${p.lambdaGbSecondArm64} per GB-s (arm64); DynamoDB on-demand ` +
      `$${p.dynamoDbReadRequestUnitsPerMillion} per million read request units, $${p.dynamoDbWriteRequestUnitsPerMillion} ` +
      `per million write request units, $${p.dynamoDbStorageGbMonth} per GB-month; Secrets Manager ` +
      `$${p.secretsManagerPer10kApiCalls} per 10,000 API calls (a BatchGetSecretValue counted as one call; if AWS bills ` +
      'it per secret returned, the provider line grows by the keys per call, at most 20x); EventBridge $0 (Secrets ' +
      'Manager and CloudTrail events and schedule rules on the default bus are not charged); CloudWatch Logs ' +
      `$${p.cloudWatchLogsIngestPerGb} per GB ingested and $${p.cloudWatchLogsStoragePerGbMonth} per GB-month stored, ` +
      `$${p.cloudWatchCustomMetricMonth} per custom metric-month; X-Ray $${p.xRayTracesRecordedPerMillion} per million ` +
      'traces recorded. Free tiers are ignored. Capacity units: DynamoDB Local reports them from the real item sizes ' +
      '(indexes included); the meter adds what AWS bills on top (a minimum unit per request, transactions at twice ' +
      'the units, one unit per failed conditional write).',
    '',
    table(
      ['assumption', 'value'],
      [
        ['ExternalSecrets per cluster, refs each', `${a.objectsPerCluster}, 1`],
        [
          'refreshInterval / drift check / sweep',
          `${a.refreshIntervalMinutes} min / ${a.driftCheckMinutes} min / every minute`,
        ],
        ['refresh phases', 'both cases above; a drift check also refreshes the due objects of its cluster'],
        [
          'keys',
          `${a.fleetKeys} fleet-wide keys (${a.objectsPerFleetKey} ExternalSecrets each in every cluster) and ` +
            `${a.ownKeysPerCluster} keys of each cluster's own`,
        ],
        [
          'rotations',
          `every key once a month; each change arrives ${a.eventCopiesPerChange}x (native + CloudTrail)`,
        ],
        ['manifest edits', 'every ExternalSecret once a month, one notice per ingest invocation'],
        [
          'billed durations',
          `rotation ${d.rotation} ms; sweep ${d.sweepFixed} ms + ${d.sweepPerCluster} ms per cluster; ingest ${d.ingest} ms; ` +
            `reconcile-cluster ${d.reconcilePass} ms per invocation + ${d.reconcilePerObject} ms per object refreshed ` +
            '(per object: measured here, the forced refresh of the 1,000-object cluster; the fixed parts are ' +
            'assumptions, since times on this machine are dominated by DynamoDB Local)',
        ],
        [
          'memory',
          `rotation ${a.memoryMb.rotation} MB, sweep ${a.memoryMb.sweep} MB, ingest ${a.memoryMb.ingest} MB, ` +
            `reconcile-cluster ${a.memoryMb.reconcile} MB (the stack's sizes)`,
        ],
        ['logs', `bytes per invocation as measured, kept ${a.logRetentionDays} days`],
        [
          'X-Ray',
          `default sampling rule (${a.xRay.reservoirPerSecond}/s, then ${a.xRay.rate * 100}%) applied per function`,
        ],
        ['state size', `${int(a.stateBytesPerObject)} bytes per ExternalSecret`],
        ['month', `${int(a.minutesPerMonth)} minutes (30 days)`],
      ],
    ),
  ].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const e = r.environment;
  const parts: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts); edit bench/report.ts, not this file. -->',
    '',
    `Generated ${r.generatedAt} at commit ${e.commit} on ${e.cpus} CPUs (${e.cpuModel}), ${e.memoryGiB} GiB, ` +
      `node ${e.node}; load average ${e.loadAverageAtStart.join(' / ')} at the start and ` +
      `${(e.loadAverageAtEnd ?? []).join(' / ')} at the end (the machine is shared). The whole run took ` +
      `${e.totalSeconds ?? '?'} s. Raw numbers: [benchmarks.json](benchmarks.json).`,
    '',
    "Peers are the project's own (`infra-tests/peers`): 10 kube-apiservers on one etcd (an 11th joins for the " +
      'memory benchmark), moto, DynamoDB Local. The ' +
      'control plane runs in this process through its real handler cores (functions/*/handler.ts with their ' +
      "middleware) and an in-process invoker standing in for Lambda's async invoke. Counts are exact and repeatable; " +
      'times vary with the machine and are shown as p50 / p95 / max with the number of samples.',
    '',
  ];
  if (r.eso) parts.push(esoSection(r.eso), '');
  parts.push(summarySection(r), '');
  if (r.rotation) parts.push(rotationSection(r.rotation), '');
  if (r.fleet) parts.push(fleetSection(r.fleet), '');
  if (r.bundles || r.memory) {
    parts.push('## 4. Cold start and memory', '');
    if (r.bundles) parts.push(bundleSection(r.bundles), '');
    if (r.memory) parts.push(memorySection(r.memory), '');
  }
  if (r.memory || r.fleet) parts.push(throughputSection(r.memory, r.fleet), '');
  if (r.scale) parts.push(scaleSection(r.scale), '');
  parts.push(
    '## Repetitions',
    '',
    `Timed rotations per fleet size: ${r.settings.rotations} (after one untimed warm-up); fresh-process imports per ` +
      `bundle: ${r.settings.importRepetitions}; scale-model sample: ${r.settings.scaleClusters} clusters plus ` +
      `${r.settings.scaleIdle} idle records. They are kept this low so that the whole run stays under 10 minutes on a ` +
      '2-core machine shared with other work; the knobs are listed at the top of bench/run.ts. With 10 samples the ' +
      'nearest-rank p95 is the maximum: read the p95 columns as "worst of 10".',
    '',
  );
  return parts.join('\n');
}

function summarySection(r: BenchResults): string {
  const rows: string[][] = [];
  const f = r.fleet;
  if (f) {
    const p = f.providerCalls;
    rows.push([
      `Provider calls per sweep, ${f.clusters} clusters x ${f.objectsPerCluster} ExternalSecrets over ${f.keys} keys`,
      `${p.oursPerSweep} BatchGetSecretValue as deployed (N x ceil(K/20)); ${p.sharedReaderPerSweep} with one in-process reader; per-object controller: ${int(p.perObjectControllerPerRefresh)} GetSecretValue`,
    ]);
    const nothing = f.passes.find((x) => x.name.startsWith('drift check, nothing'));
    const refresh = f.passes.find((x) => x.name.startsWith('refresh, nothing'));
    const changed = f.passes.find((x) => x.name.includes('values changed'));
    const edited = f.passes.find((x) => x.name.includes('Secrets edited'));
    const k = (pass: typeof nothing) => (pass ? `${actions(pass.perCluster.byAction)}` : 'n/a');
    rows.push([
      'Kubernetes requests per cluster, nothing changed (drift check / full refresh)',
      `${k(nothing)} / ${k(refresh)}`,
    ]);
    rows.push(['Kubernetes requests per cluster, 10% of values changed', k(changed)]);
    rows.push(['Kubernetes requests per cluster, 10% of Secrets edited out of band', k(edited)]);
  }
  if (r.rotation) {
    for (const s of r.rotation.sizes) {
      rows.push([
        `Rotation -> last of ${s.secretsPerRotation} Secrets visible, ${s.clusters} cluster${s.clusters > 1 ? 's' : ''}`,
        `p50 ${int(s.visibleMs.p50)} ms, p95 ${int(s.visibleMs.p95)} ms, max ${int(s.visibleMs.max)} ms (n=${s.visibleMs.n})`,
      ]);
    }
  }
  if (r.memory) {
    const first = r.memory.phases[0];
    const refresh = r.memory.phases[1];
    rows.push([
      `reconcile-cluster, ${int(r.memory.objects)} ExternalSecrets in one cluster`,
      `peak RSS ${dec(r.memory.maxRssMiB)} MiB; initial sync ${dec(first?.objectsPerSecond ?? 0, 0)} objects/s, refresh ${dec(refresh?.objectsPerSecond ?? 0, 0)} objects/s`,
    ]);
  }
  if (r.bundles) {
    const sizes = r.bundles.map((b) => b.bytes / 1024);
    const imports = r.bundles.map((b) => b.importMs.p50);
    rows.push([
      'Bundles (5 functions)',
      `${dec(Math.min(...sizes), 0)}-${dec(Math.max(...sizes), 0)} KiB; fresh-process import p50 ${int(Math.min(...imports))}-${int(Math.max(...imports))} ms`,
    ]);
  }
  if (r.scale) {
    for (const clusters of [...new Set(r.scale.fleets.map((f) => f.clusters))]) {
      const same = r.scale.fleets.filter((f) => f.clusters === clusters);
      rows.push([
        `Modelled AWS cost per month, ${int(clusters)} clusters x ${r.scale.assumptions.objectsPerCluster} (stand-in Kubernetes)`,
        same
          .map(
            (f) =>
              `${usd(f.costTotal)} ${f.phases.name} (${int(f.month.invocations.reconcile)} reconcile-cluster invocations, ${int(f.month.providerCalls)} Secrets Manager calls)`,
          )
          .join('; '),
      ]);
    }
  }
  return ['## Summary', '', table(['measure', 'result'], rows)].join('\n');
}

export function renderSummary(r: BenchResults): string {
  return `\n${summarySection(r)}\n`;
}

/** Sections of a partial run (BENCH_ONLY) replace theirs in the saved results; the rest are kept. */
export function mergeResults(saved: BenchResults, partial: BenchResults): BenchResults {
  const merged: BenchResults = { ...saved, settings: { ...saved.settings } };
  const sections = ['eso', 'bundles', 'rotation', 'fleet', 'memory', 'scale'] as const;
  for (const key of sections) {
    if (partial[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = partial[key];
  }
  return merged;
}

function ratio(eso: number | undefined, ours: number | undefined): string {
  if (eso === undefined || ours === undefined || !Number.isFinite(eso) || !Number.isFinite(ours))
    return 'n/a';
  if (ours === 0) return eso === 0 ? '1x' : 'ESO only';
  const x = eso / ours;
  return `${x >= 10 ? int(x) : num(x)}x`;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'timeout';
  return ms >= 10_000 ? `${dec(ms / 1000, 1)} s` : `${int(ms)} ms`;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
};

/** ESO's per-refresh cost from a window at refreshInterval 1m, and what it comes to per hour. */
export function esoRates(e: EsoComparison) {
  const refreshes = e.steady.windowMs / 60_000;
  const clusters = e.steady.perCluster.length;
  const calls = e.steady.perCluster.reduce((s, c) => s + c.providerCalls, 0);
  const requests = e.steady.perCluster.map((c) => c.apiserverRequests);
  const cpu = e.steady.perCluster.map((c) => c.cpuSeconds);
  const perHourAt1m = (x: number) => (x / e.steady.windowMs) * 3_600_000;
  return {
    refreshes,
    callsPerRefresh: calls / refreshes,
    callsPerObjectPerRefresh: calls / refreshes / Math.max(1, clusters * e.options.objects),
    callsPerHourAt1m: perHourAt1m(calls),
    callsPerHourAt1h: calls / refreshes,
    requestsPerClusterPerRefresh: median(requests) / refreshes,
    requestsPerObjectPerRefresh: median(requests) / refreshes / e.options.objects,
    requestsPerHourAt1m: perHourAt1m(median(requests)),
    requestsPerHourAt1h: median(requests) / refreshes,
    cpuSecondsPerHourAt1m: perHourAt1m(median(cpu)),
    rssMiB: median(e.steady.perCluster.map((c) => c.rssMiB)),
    byMethod: methodsPerObjectPerRefresh(e, refreshes),
  };
}

/** "5 GET, 1.13 PUT" per ExternalSecret per refresh, summed over the clusters. */
function methodsPerObjectPerRefresh(e: EsoComparison, refreshes: number): string {
  const total: Record<string, number> = {};
  for (const c of e.steady.perCluster)
    for (const [m, n] of Object.entries(c.apiserverByMethod)) total[m] = (total[m] ?? 0) + n;
  const per = Math.max(1, refreshes * e.steady.perCluster.length * e.options.objects);
  return Object.entries(total)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([m, n]) => `${num(n / per)} ${m}`)
    .join(', ');
}

export function esoSection(e: EsoComparison): string {
  const o = e.options;
  const ours = e.steady.ours;
  const rates = esoRates(e);
  const rot = e.rotation;
  const large = e.initialSync.find((x) => x.objects === o.large);
  const hourMs = 3_600_000;
  const hours = (x: number) => `${int(x)}`;
  const smMonth = (callsPerHour: number) => usd(secretsManagerUsdOf(callsPerHour * 720));
  const rows: string[][] = [
    [
      `(a) rotation -> last of ${rot.ours.secretsPerRotation} dependent Secrets visible (${o.clusters} clusters)`,
      `p50 ${seconds(rot.ours.visibleMs.p50)}, max ${seconds(rot.ours.visibleMs.max)} (n=${rot.ours.visibleMs.n}; event-driven)`,
      `refreshInterval 1m, measured: p50 ${seconds(rot.eso.visibleMs.p50)}, max ${seconds(rot.eso.visibleMs.max)} (n=${rot.eso.visibleMs.n}, ${rot.eso.timeouts} timeouts)`,
      ratio(rot.eso.visibleMs.p50, rot.ours.visibleMs.p50),
    ],
    [
      '(a) the same at refreshInterval 1h',
      'the same (a rotation does not wait for a refresh)',
      'expected: p50 30 min, max 60 min (each object polls at its own phase); per refresh it costs what (b) and (c) show',
      ratio(hourMs / 2, rot.ours.visibleMs.p50),
    ],
    [
      `(b) Secrets Manager calls per hour, ${o.clusters} clusters x ${o.objects} ExternalSecrets over ${o.keys} keys, refreshInterval 1h`,
      `**${hours(ours.providerCallsPerHour)}** BatchGetSecretValue (${ours.refreshPass.invocations} reconcile-cluster invocations at the hourly refresh, ${ours.driftPass.batchGetSecretValue} per drift check)`,
      `**${hours(rates.callsPerHourAt1h)}** (${num(rates.callsPerObjectPerRefresh)} GetSecretValue per ExternalSecret per refresh; ${int(rates.callsPerHourAt1m)} per hour at 1m)`,
      ratio(rates.callsPerHourAt1h, ours.providerCallsPerHour),
    ],
    [
      '(c) apiserver requests per hour per cluster, steady state, refreshInterval 1h',
      `**${hours(ours.apiserverRequestsPerHourPerCluster)}** (hourly refresh ${ours.refreshPass.apiserverPerCluster.reads + ours.refreshPass.apiserverPerCluster.writes} + ${ours.driftChecksPerHour - 1} drift checks x ${ours.driftPass.apiserverPerCluster.reads + ours.driftPass.apiserverPerCluster.writes}; the watcher's one WATCH not counted)`,
      `**${hours(rates.requestsPerHourAt1h)}** (${num(rates.requestsPerObjectPerRefresh)} per ExternalSecret per refresh${rates.byMethod ? ` (${rates.byMethod})` : ''}; ${int(rates.requestsPerHourAt1m)} per hour at 1m)`,
      ratio(rates.requestsPerHourAt1h, ours.apiserverRequestsPerHourPerCluster),
    ],
    [
      '(d) in-cluster footprint per cluster',
      e.watcher
        ? `watcher RSS ${dec(e.watcher.rssMiB)} MiB watching ${int(e.watcher.objects)} objects (${e.watcher.source}); CPU not measured here`
        : 'watcher: run `npm run bench:watcher-memory`',
      `controller RSS ${dec(rates.rssMiB)} MiB with ${o.objects} ExternalSecrets${large ? `, ${dec(large.esoRssMiB)} MiB after syncing ${int(large.objects)}` : ''}; CPU ${dec(rates.cpuSecondsPerHourAt1m, 0)} s per hour at 1m`,
      e.watcher ? ratio(rates.rssMiB, e.watcher.rssMiB) : 'n/a',
    ],
    ...e.initialSync.map((s) => [
      `(e) initial sync of ${int(s.objects)} ExternalSecrets in one cluster (first create -> last Secret visible)`,
      `${seconds(s.oursMs)} (${s.oursProviderCalls} BatchGetSecretValue, ${int(s.oursApiserverRequests)} apiserver requests${s.oursCreateMs === undefined ? '' : `; the creates took ${seconds(s.oursCreateMs)}`})`,
      `${seconds(s.esoMs)} (${int(s.esoProviderCalls)} provider calls, ${int(s.esoApiserverRequests)} apiserver requests${s.esoCreateMs === undefined ? '' : `; the creates took ${seconds(s.esoCreateMs)}`})`,
      ratio(s.esoMs, s.oursMs),
    ]),
  ];
  const cost = [
    [
      'fleet-secrets',
      `Lambda in the control-plane account: ${int(ours.lambda.invocationsPerHour)} invocations per hour (60 sweeps of ${int(ours.sweepMs)} ms at 512 MB; ${ours.refreshPass.invocations} refresh + ${(ours.driftChecksPerHour - 1) * ours.driftPass.invocations} drift-check reconcile-cluster invocations at 1024 MB, measured durations), ${num(ours.lambda.gbSecondsPerHour)} GB-s`,
      `${usd(ours.lambda.usdPerHour)} per hour, ${usd(ours.lambda.usdPerHour * 720)} per 30 days (Lambda); Secrets Manager ${smMonth(ours.providerCallsPerHour)} per 30 days`,
      `one watcher per cluster (a WATCH on ExternalSecrets; it sends change notices, never reads a provider)`,
    ],
    [
      `ESO ${e.version}`,
      'nothing outside the clusters',
      `Secrets Manager ${smMonth(rates.callsPerHourAt1h)} per 30 days at 1h, ${smMonth(rates.callsPerHourAt1m)} at 1m`,
      `one controller per cluster: every GetSecretValue and Secret write, ${dec(rates.rssMiB, 0)} MiB, ${dec(rates.cpuSecondsPerHourAt1m, 0)} CPU-s per hour at 1m (cluster nodes, not priced here)`,
    ],
  ];
  return [
    '## fleet-secrets beside External Secrets Operator',
    '',
    `Measured in one run on the same kube-apiservers and the same moto (\`BENCH_ONLY=eso\`, bench/eso.ts; ` +
      `${e.seconds} s${e.measuredAt ? `, ${e.measuredAt} at commit ${e.commit ?? '?'}, load average ${(e.loadAverage ?? []).join(' / ')} at its end` : ''}). ESO ${e.version} (pinned in infra-tests/peers/versions.json, built by ` +
      `infra-tests/peers/build-eso.sh into the shared cache: ${e.build.cached ? 'cached' : `built in ${int(e.build.seconds)} s`}) runs one ` +
      'controller per cluster, as deployed, here out of cluster with the admin kubeconfig: ' +
      `\`eso ${e.flags.join(' ')}\` with ${e.environment.map((x) => `\`${x}\``).join(', ')}; no webhook, no ` +
      'cert-controller; CRDs from its `deploy/crds/bundle.yaml` applied server-side; a namespaced SecretStore of ' +
      'provider aws / SecretsManager with static credentials from a Secret. ESO is counted with its own /metrics ' +
      `(\`externalsecret_provider_api_calls_count\`, \`rest_client_requests_total\`, \`process_cpu_seconds_total\`, ` +
      '`process_resident_memory_bytes`) scraped before and after each scenario; fleet-secrets with its SDK and ' +
      'Kubernetes wire counters (bench/lib/bench-plane.ts).',
    '',
    table(['scenario', 'fleet-secrets', `ESO ${e.version}`, 'ESO / fleet-secrets'], rows),
    '',
    'How each number is made:',
    '',
    `- (a) fleet-secrets: the rotation benchmark's path (bench/rotation.ts) on the same ${o.clusters} apiservers: new value in moto, ` +
      `the native event to the rotation handler, ${rot.ours.rotations} timed rotations. ESO: ${rot.eso.rotations} rotations ` +
      `(PutSecretValue in moto) at random moments of a ${dec(e.steady.windowMs / 60_000, 1)}-minute window, each of its own key ` +
      `with ${rot.eso.secretsPerRotation} dependents across the clusters, timed by a watch until the last shows the new value ` +
      `(then read back with a GET: ${rot.eso.readBackMismatches} mismatches). ESO keeps each object's refresh phase, so the ` +
      'wait is uniform over one refreshInterval: half of it at p50. At 1h the 1m numbers scale by 60.',
    `- (b), (c), (d) ESO: ${o.clusters} controllers with ${o.objects} ExternalSecrets each (${o.keys} keys) at refreshInterval ` +
      `1m for ${dec(e.steady.windowMs / 60_000, 1)} minutes (${dec(rates.refreshes, 1)} refreshes per object); per hour at 1h = ` +
      `calls in the window / refreshes in the window (one refresh per hour), at 1m x 60; apiserver requests are the median ` +
      `cluster's, all counted as per-refresh work. fleet-secrets: ${o.clusters} clusters x ${o.objects} ExternalSecrets at ` +
      'refreshInterval 1h through the real sweep: one sweep with every object and every drift check due, then one with only ' +
      'the drift checks (every 5 minutes, functions/lib/compose.ts), scaled to an hour as 1 + 11.',
    `- (e) Both sides create the objects with the same loop (4 at a time); ESO syncs while they are created, fleet-secrets ` +
      `gets them from one ingest batch (the watcher's notices) after the last create. The ${o.large} objects go to one more ` +
      `cluster with its own ESO controller (refreshInterval 1h), stopped afterwards.`,
    '',
    'Where the work runs, priced with bench/cost-model.ts (PRICES):',
    '',
    table(['side', 'outside the cluster', 'priced', 'inside each cluster'], cost),
  ].join('\n');
}

function secretsManagerUsdOf(calls: number): number {
  return (calls / 10_000) * PRICES_VALUE.secretsManagerPer10kApiCalls;
}
