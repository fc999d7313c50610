/**
 * The value canary: secret values are rendered through every way an object can fail (apiserver
 * rejections of labels, annotations and keys made from values, escaped quotes and unicode,
 * template errors, provider values that are not what the spec expects), against a real
 * kube-apiserver and moto, and a distinctive canary (and its base64 and hex forms) must appear in
 * none of the places a failure is told: log lines (the engine's logger, and Powertools' printed
 * JSON), the ExternalSecret status, Kubernetes Events, the state store's status items and cluster
 * health, the pass report, and `fleet-secrets status` in table and JSON form.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../cli/api-client/api-client.js';
import type { ResolvedTarget } from '../../cli/api-client/resolve.js';
import { registerStatusCommand } from '../../cli/commands/status.js';
import type { CliContext } from '../../cli/context.js';
import type { Terminal } from '../../cli/output/terminal.js';
import { LocalStateStore } from '../../shared/adapters/local-state/index.js';
import { dispatchApiRequest } from '../../shared/control-plane/api-dispatch.js';
import { API_GROUP, API_VERSION, type ExternalSecretSpec } from '../../shared/domain/schema.js';
import type { Logger as EngineLogger } from '../../shared/ports/logger.js';
import { reconcileCluster } from '../../shared/reconcile/reconcile-cluster.js';
import type { ReconcileResult } from '../../shared/reconcile/types.js';
import { kubeClientsFor, kubeCluster } from '../helpers/kube.js';
import { capturingLogger, desire, installCrds, ReconcileFixture } from '../helpers/reconcile-fixture.js';

const cluster = kubeCluster(0);
const admin = kubeClientsFor(cluster, 'admin');
const fx = new ReconcileFixture({ state: new LocalStateStore() });
const ns = `canary-${fx.runId}`;
const run = randomBytes(4).toString('hex');
let clusterId = '';

/**
 * A value no message would contain by chance: the label-hostile characters of a real password
 * (`/`, `+`, `=`) around a token that survives any quoting (letters and digits), plus `extra`.
 */
const canary = (tag: string, extra = '') => `Pa55/w0rd+CANARY${tag}${run}=${extra}`;
/** Every spelling of a canary we look for: the token itself catches raw, quoted and escaped forms. */
function needlesOf(value: string): string[] {
  const token = /CANARY[a-z]+[0-9a-f]+/.exec(value)?.[0] ?? value;
  const bytes = Buffer.from(value);
  return [
    token,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('base64').replace(/=+$/, ''),
    Buffer.from(token).toString('base64').slice(0, -4),
    bytes.toString('hex'),
    Buffer.from(token).toString('hex'),
  ];
}

interface Case {
  name: string;
  /** What moto holds under the case's key. */
  stored: string | Record<string, unknown>;
  spec: (key: string) => Omit<ExternalSecretSpec, 'secretStoreRef'>;
  /** The status reason the object must end with: proof that this failure path was taken. */
  reason: string;
  /** The values that must never be told. */
  values: string[];
}

const fromProperty = (key: string) => [{ secretKey: 'password', remoteRef: { key, property: 'password' } }];

function labelCase(name: string, value: string): Case {
  return {
    name,
    stored: { password: value },
    spec: (key) => ({
      data: fromProperty(key),
      target: {
        template: { metadata: { labels: { pw: '{{ .password }}' } }, data: { p: '{{ .password }}' } },
      },
    }),
    reason: 'Invalid',
    values: [value],
  };
}

function templateCase(name: string, template: string, value = canary(name.replace(/-/g, ''))): Case {
  return {
    name,
    stored: { password: value },
    spec: (key) => ({ data: fromProperty(key), target: { template: { data: { out: template } } } }),
    reason: 'RenderError',
    values: [value],
  };
}

const cases: Case[] = [
  labelCase('label', canary('label')),
  labelCase('label-escaped', canary('escaped', '"\\é✓😀<&>\t')),
  {
    name: 'annotation-value',
    stored: { password: canary('annvalue', '"\\ü') },
    spec: (key) => ({
      data: fromProperty(key),
      target: {
        template: {
          metadata: { annotations: { note: 'said {{ .password }}' }, labels: { pw: '{{ .password }}' } },
        },
      },
    }),
    reason: 'Invalid',
    values: [canary('annvalue', '"\\ü')],
  },
  ...(['Annotations', 'Labels'] as const).map(
    (target): Case => ({
      name: `${target.toLowerCase()}-key`,
      stored: { password: canary(`${target.toLowerCase()}key`) },
      spec: (key) => ({
        data: fromProperty(key),
        target: { template: { templateFrom: [{ literal: '"{{ .password }}": "x"', target }] } },
      }),
      reason: 'Invalid',
      values: [canary(`${target.toLowerCase()}key`)],
    }),
  ),
  templateCase('template-field', '{{ .password.nope }}'),
  templateCase('template-compare', '{{ gt .password 3 }}'),
  templateCase('template-fromjson', '{{ (fromJson .password).k.j }}'),
  templateCase('template-index', '{{ index (fromJson .password) "k" }}'),
  {
    name: 'template-output',
    stored: { password: canary('tploutput') },
    spec: (key) => ({
      data: fromProperty(key),
      target: { template: { templateFrom: [{ literal: '{{ .password }}' }] } },
    }),
    reason: 'RenderError',
    values: [canary('tploutput')],
  },
  {
    name: 'not-json',
    stored: canary('notjson', '{"'),
    spec: (key) => ({ data: fromProperty(key) }),
    reason: 'RenderError',
    values: [canary('notjson', '{"')],
  },
  {
    name: 'not-base64',
    // "!" is outside every base64 alphabet: the decoding fails on the value.
    stored: canary('notbase', '!'),
    spec: (key) => ({ data: [{ secretKey: 'v', remoteRef: { key, decodingStrategy: 'Base64' } }] }),
    reason: 'RenderError',
    values: [canary('notbase', '!')],
  },
  {
    // Two member names that convert to one Secret key (KeyCollision).
    name: 'extract-collision',
    stored: { [canary('collide')]: 'v', [canary('collide').replace('/', '+')]: 'w' },
    spec: (key) => ({ dataFrom: [{ extract: { key } }] }),
    reason: 'RenderError',
    values: [canary('collide')],
  },
  {
    // Member names become Secret keys: they are part of the value, so no status may spell them.
    name: 'extract-synced',
    stored: { [canary('extractkey')]: 'v', other: canary('extractvalue') },
    spec: (key) => ({ dataFrom: [{ extract: { key } }] }),
    reason: 'SecretSynced',
    values: [canary('extractkey'), canary('extractvalue')],
  },
  {
    // The path that works: the Secret holds the value; nothing that reports on it may.
    name: 'synced',
    stored: { password: canary('synced', '"\\') },
    spec: (key) => ({
      data: fromProperty(key),
      target: { template: { metadata: { annotations: { note: '{{ .password }}' } } } },
    }),
    reason: 'SecretSynced',
    values: [canary('synced', '"\\')],
  },
];

/** Everything a log line can carry, Error fields included (JSON.stringify drops them). */
function deepText(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  const parts: string[] = [];
  if (value instanceof Error)
    parts.push(value.name, value.message, value.stack ?? '', deepText(value.cause, seen));
  for (const [k, v] of Object.entries(value)) parts.push(k, deepText(v, seen));
  return parts.join('\n');
}

/** The engine's logger port over a Powertools Logger, as the reconcile-cluster handler wires it. */
function powertoolsEngineLogger(logger: Logger): EngineLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      logger[level](message, attributes as LogAttributes);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function tee(...loggers: EngineLogger[]): EngineLogger {
  const at = (level: keyof EngineLogger) => (message: string, attributes?: Record<string, unknown>) => {
    for (const l of loggers) l[level](message, attributes);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** `fleet-secrets status` as a user runs it, against this file's state store, capturing the terminal. */
async function cliStatus(args: string[]): Promise<string> {
  const lines: string[] = [];
  const terminal: Terminal = {
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    errRaw: (text) => lines.push(text),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    style: { green: (t) => t, red: (t) => t, yellow: (t) => t, dim: (t) => t, bold: (t) => t },
  };
  const deps = {
    state: fx.state,
    clusters: fx.clusters,
    invoker: { invokeAsync: async () => undefined },
    clock: fx.clock,
  };
  const api: ApiClient = {
    target: 'in-process api',
    send: (request) => dispatchApiRequest(deps, request),
    close: () => undefined,
  };
  const ctx: CliContext = {
    terminal,
    connection: () => ({}),
    target: () => ({ kind: 'http' }) as unknown as ResolvedTarget,
    api: async () => api,
    now: () => fx.clock.now(),
  };
  const program = new Command('fleet-secrets').exitOverride();
  registerStatusCommand(program, ctx);
  // Failing objects make the command exit 1 (a thrown CliError): that message is output too.
  await program
    .parseAsync(['status', '--cluster', clusterId, ...args], { from: 'user' })
    .catch((e: Error) => {
      lines.push(e.message);
    });
  return lines.join('\n');
}

let result: ReconcileResult;
const printed: string[] = [];

beforeAll(async () => {
  await installCrds(cluster);
  await admin.core.createNamespace({ body: { metadata: { name: ns } } });
  await fx.putStore([ns]);
  clusterId = (await fx.registerCluster(cluster, { mode: 'namespaced', namespaces: [ns], bound: [ns] }))
    .clusterId;
  for (const c of cases) {
    await fx.putValue(c.name, c.stored);
    await desire(fx.state, {
      clusterId,
      cluster,
      namespace: ns,
      name: c.name,
      spec: { secretStoreRef: { name: fx.storeName, kind: 'SecretStore' }, ...c.spec(fx.key(c.name)) },
    });
  }

  // Powertools prints JSON lines through its own Console on process.stdout/stderr: capture both.
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const powertools = new Logger({ serviceName: 'value-canary', logLevel: 'DEBUG' });
    const logger = tee(capturingLogger(fx.logs), powertoolsEngineLogger(powertools));
    result = await reconcileCluster(fx.deps({ logger }), {
      clusterId,
      scope: { kind: 'all' },
      reason: 'sweep',
    });
    // Errors handed to the logger whole, as the dev-mode runner does: name, message, stack, cause.
    for (const report of result.reports) powertools.debug('report', { report });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
});

afterAll(async () => {
  await fx.close();
  await admin.core.deleteNamespace({ name: ns }).catch(() => undefined);
});

describe('the value canary', () => {
  it('should take every failure path it names', () => {
    const reasons = Object.fromEntries(result.reports.map((r) => [r.name, r.reason]));
    expect(reasons).toEqual(Object.fromEntries(cases.map((c) => [c.name, c.reason])));
    // Powertools really printed the pass (so the log scan below has something to scan).
    expect(printed.join('')).toContain('"message":"object failed"');
  });

  const sinks: Array<[string, () => Promise<string>]> = [
    ['the engine log lines', async () => deepText(fx.logs)],
    ['the Powertools log output', async () => printed.join('')],
    ['the pass report', async () => JSON.stringify(result)],
    [
      'the ExternalSecret statuses',
      async () =>
        JSON.stringify(
          await admin.custom.listNamespacedCustomObject({
            group: API_GROUP,
            version: API_VERSION,
            plural: 'externalsecrets',
            namespace: ns,
          }),
        ),
    ],
    [
      'the Kubernetes Events',
      async () => JSON.stringify(await admin.core.listNamespacedEvent({ namespace: ns })),
    ],
    [
      'the state store status items and cluster health',
      async () =>
        JSON.stringify([await fx.state.listStatuses(clusterId), await fx.state.getCluster(clusterId)]),
    ],
    ['fleet-secrets status (table)', () => cliStatus([])],
    ['fleet-secrets status -o json', () => cliStatus(['-o', 'json'])],
  ];

  it.each(sinks)('should tell no value in %s', async (_sink, read) => {
    const text = await read();
    expect(text.length).toBeGreaterThan(0);
    const leaks = cases.flatMap((c) =>
      c.values
        .flatMap(needlesOf)
        .flatMap((needle) => (text.includes(needle) ? [`${c.name}: ${needle}`] : [])),
    );
    expect(leaks).toEqual([]);
  });

  it('should still say which object failed and why', async () => {
    const table = await cliStatus([]);
    expect(table).toContain(`${ns}/label: Invalid: `);
    expect(table).toContain('rejected (Invalid): metadata.labels');
    const events = await admin.core.listNamespacedEvent({ namespace: ns });
    expect(events.items.map((e) => [e.involvedObject.name, e.type])).toContainEqual(['label', 'Warning']);
  });
});
