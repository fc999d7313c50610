import type { Command } from 'commander';
import type { RegisterClusterInput, RegistrationReport } from '../../shared/control-plane/api.js';
import type { ClusterRecord } from '../../shared/domain/records.js';
import { callApi } from '../api-client/api-client.js';
import { readClustersFile } from '../clusters/clusters-file.js';
import { type ClusterSource, registrationInput } from '../clusters/registration.js';
import type { CliContext } from '../context.js';
import { ApiRequestError, CliError, UsageError } from '../errors.js';
import { formatStructured, parseOutputFormat, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { commaList, keyValueList } from '../parse-args.js';
import { finishSteps, runSteps, type StepOutcome } from '../steps.js';

interface AddFlags {
  file?: string[];
  eksCluster?: string;
  eksRole?: string;
  region?: string;
  endpoint?: string;
  caFile?: string;
  tokenSecret?: string;
  kubeconfig?: string;
  context?: string;
  labels?: string[];
  namespaces?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerClustersCommand(program: Command, ctx: CliContext): void {
  const clusters = program.command('clusters').description('register and inspect member clusters');

  clusters
    .command('add')
    .argument('[name]', 'cluster id (a DNS label, e.g. prod-eu-1)')
    .description(
      'register a cluster after checking it is reachable and the control plane has the RBAC it needs',
    )
    .option('--eks-cluster <arn>', 'EKS cluster ARN (or name with --region)')
    .option('--eks-role <arn>', 'IAM role the control plane assumes for this cluster (its EKS access entry)')
    .option('--endpoint <url>', 'API server URL of a non-EKS cluster')
    .option('--ca-file <file>', 'PEM CA bundle of that API server')
    .option(
      '--token-secret <arn>',
      'Secrets Manager secret holding a ServiceAccount token for the control plane',
    )
    .option('--kubeconfig <file>', 'kubeconfig on this machine (dev mode: the control plane reads it too)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option(
      '--labels <k=v,...>',
      'cluster labels that store policies and FleetExternalSecrets select on',
      collect,
    )
    .option(
      '--namespaces <a,b>',
      'only when the control plane has namespaced RBAC: the namespaces it may use',
      collect,
    )
    .option('--region <region>', 'AWS region of a bare --eks-cluster name')
    .option('-f, --file <file>', 'register every cluster listed in a YAML file (repeatable)', collect)
    .addHelpText(
      'after',
      '\nExamples:\n  fleet-secrets clusters add prod-eu-1 --eks-cluster arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu-1 --labels env=prod,region=eu\n  fleet-secrets clusters add kind-dev --kubeconfig ~/.kube/config --context kind-dev --labels env=dev\n  fleet-secrets clusters add -f clusters.yaml',
    )
    .action(async (name: string | undefined, flags: AddFlags) => {
      const api = await ctx.api();
      if (!flags.file?.length) {
        // One cluster: its errors (a bad label, an unknown flag value) are the command's errors.
        const outcome = await addOne(ctx, sourceFromFlags(name, flags), new AbortController().signal, api);
        const print = outcome.ok ? ctx.terminal.out : ctx.terminal.err;
        print(outcome.line);
        for (const line of outcome.details ?? []) print(`  ${line}`);
        if (!outcome.ok) throw new CliError(`cluster ${name} was not registered`);
        return;
      }
      const sources = readClustersFile(flags.file);
      const summary = await runSteps({
        terminal: ctx.terminal,
        items: sources,
        label: (s) => s.name,
        step: async (source, signal) => addOne(ctx, source, signal, api),
      });
      if (sources.length > 1) {
        ctx.terminal.err(`${summary.done} of ${sources.length} clusters registered`);
      }
      finishSteps(summary, sources.length, 'registrations');
    });

  clusters
    .command('list')
    .description('every registered cluster with its labels and health')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action(async (flags: { output: string }) => {
      const format = parseOutputFormat(flags.output);
      const records = await callApi<ClusterRecord[]>(await ctx.api(), 'clusters.list');
      if (format !== 'table') return ctx.terminal.out(formatStructured(records, format));
      if (records.length === 0)
        return ctx.terminal.err('no clusters registered (fleet-secrets clusters add NAME ...)');
      const now = ctx.now();
      const { style } = ctx.terminal;
      const rows = records.map((c) => [
        c.clusterId,
        c.endpoint,
        c.auth.type,
        Object.entries(c.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '-',
        healthCell(c.health?.state, style),
        relativeTime(c.health?.checkedAt, now),
      ]);
      for (const line of renderTable(['NAME', 'ENDPOINT', 'AUTH', 'LABELS', 'HEALTH', 'CHECKED'], rows)) {
        ctx.terminal.out(line);
      }
    });

  clusters
    .command('show')
    .argument('<name>', 'cluster id')
    .description("one cluster's registration and health")
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(async (name: string, flags: { output: string }) => {
      const format = parseOutputFormat(flags.output);
      const record = await callApi<ClusterRecord>(await ctx.api(), 'clusters.show', { clusterId: name });
      ctx.terminal.out(formatStructured(record, format === 'table' ? 'yaml' : format));
    });

  clusters
    .command('remove')
    .argument('<name>', 'cluster id')
    .description('forget a cluster (Secrets already written there stay as they are)')
    .action(async (name: string) => {
      const result = await callApi<{ snapshots: number }>(await ctx.api(), 'clusters.remove', {
        clusterId: name,
      });
      ctx.terminal.out(
        `cluster ${name} removed (${result.snapshots} object${result.snapshots === 1 ? '' : 's'} no longer synced there; their Secrets were left in place)`,
      );
    });
}

function sourceFromFlags(name: string | undefined, flags: AddFlags): ClusterSource {
  if (!name) throw new CliError('clusters add: give a cluster name, or -f FILE with many clusters', 2);
  return {
    name,
    labels: keyValueList('--labels', flags.labels),
    namespaces: commaList(flags.namespaces),
    ...pick(flags, [
      'eksCluster',
      'eksRole',
      'region',
      'endpoint',
      'caFile',
      'tokenSecret',
      'kubeconfig',
      'context',
    ]),
  };
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

async function addOne(
  ctx: CliContext,
  source: ClusterSource,
  signal: AbortSignal,
  api: Awaited<ReturnType<CliContext['api']>>,
): Promise<StepOutcome> {
  if (source.kubeconfig && ctx.target().kind === 'lambda') {
    throw new UsageError(
      `cluster ${source.name}: a kubeconfig on this machine is for dev mode; the deployed control plane needs --eks-cluster, or --endpoint with --ca-file and --token-secret`,
    );
  }
  const input: RegisterClusterInput = await registrationInput(source);
  const { style } = ctx.terminal;
  try {
    const report = await callApi<RegistrationReport>(api, 'clusters.add', { ...input }, { signal });
    return {
      ok: true,
      line: `${style.green('✓')} cluster ${report.clusterId} registered`,
      details: [
        `reachable: yes (Kubernetes ${report.serverVersion ?? 'unknown version'})`,
        'permissions: everything the control plane needs is granted',
        ...(report.fleetObjects > 0 ? [`fleet objects landing now: ${report.fleetObjects}`] : []),
      ],
    };
  } catch (error) {
    if (!(error instanceof ApiRequestError) || error.errorName !== 'RegistrationRejectedError') throw error;
    return {
      ok: false,
      line: `${style.red('✗')} cluster ${source.name} was not registered`,
      details: describeRejection(error.details),
    };
  }
}

/** Registration reasons in plain words: unreachable, or which verbs are missing on what. */
export function describeRejection(reasons: readonly string[]): string[] {
  const unreachable = reasons.find((r) => r.startsWith('unreachable: '));
  if (unreachable) {
    return [
      `reachable: no (${unreachable.slice('unreachable: '.length)})`,
      'check the endpoint, the network path from the control plane, and the CA',
    ];
  }
  return [
    'reachable: yes',
    "missing permissions of the control plane's identity in this cluster:",
    ...reasons.map((r) => `  - ${r}`),
    'grant them (docs/clusters.md has the ClusterRole), then run clusters add again',
  ];
}

function healthCell(state: string | undefined, style: CliContext['terminal']['style']): string {
  if (!state) return style.dim('Unknown');
  return state === 'Healthy' ? style.green(state) : style.red(state);
}
