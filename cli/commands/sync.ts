import type { Command } from 'commander';
import type { StatusRow, SyncResult, SyncTarget } from '../../shared/control-plane/api.js';
import { callApi } from '../api-client/api-client.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT, InterruptedError, UsageError } from '../errors.js';
import { Interrupt } from '../interrupt.js';
import { durationMs } from '../parse-args.js';
import { versionCell } from './status.js';

interface SyncFlags {
  secret?: string;
  store?: string;
  region?: string;
  wait: boolean;
  timeout: string;
}

export function registerSyncCommand(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .argument('[target]', 'CLUSTER (every object in it) or CLUSTER/NAMESPACE/NAME')
    .description('re-read and re-write now, then print each cluster’s result as it lands')
    .option('--secret <key>', 'every object, in every cluster, that reads this secret')
    .option('--store <name>', 'with --secret: the store the key lives in (any provider)')
    .option('--region <region>', 'with --secret: the Secrets Manager region of the key (default AWS_REGION)')
    .option('--no-wait', 'queue the sync and return at once')
    .option('--timeout <duration>', 'how long to wait for results', '60s')
    .addHelpText(
      'after',
      '\nExamples:\n  fleet-secrets sync prod-eu-1/payments/db-credentials\n  fleet-secrets sync prod-eu-1\n  fleet-secrets sync --secret prod/payments/db --region eu-west-1',
    )
    .action(async (targetText: string | undefined, flags: SyncFlags) => {
      const target = parseSyncTarget(targetText, flags);
      const timeoutMs = durationMs('--timeout', flags.timeout);
      const api = await ctx.api();
      const single = 'clusterId' in target ? target.clusterId : undefined;
      const fetchRows = (signal?: AbortSignal) =>
        callApi<StatusRow[]>(api, 'status', single ? { clusterId: single } : {}, signal ? { signal } : {});
      const before = new Map((await fetchRows()).map((r) => [rowKey(r), r.lastAttemptAt] as const));

      const result = await callApi<SyncResult>(api, 'sync', { target });
      if (result.objects === 0) {
        ctx.terminal.out(
          `nothing to sync: ${'secret' in target ? `no object reads ${target.secret}` : `${single} has no objects`}`,
        );
        return;
      }
      const clusters = Object.keys(result.perCluster).sort();
      ctx.terminal.err(
        `queued ${result.objects} object${result.objects === 1 ? '' : 's'} in ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`,
      );
      if (!flags.wait) return;
      const only = 'name' in target && target.name ? `${target.namespace}/${target.name}` : undefined;
      await waitForResults(ctx, { before, perCluster: result.perCluster, fetchRows, timeoutMs, only });
    });
}

export function parseSyncTarget(
  text: string | undefined,
  flags: Pick<SyncFlags, 'secret' | 'store' | 'region'>,
): SyncTarget {
  if (flags.secret) {
    if (text) throw new UsageError('sync: give a target or --secret, not both');
    if (flags.store) return { secret: flags.secret, store: flags.store };
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--secret needs --store NAME, or --region for a Secrets Manager key');
    return { secret: flags.secret, region };
  }
  if (!text) throw new UsageError('sync: give CLUSTER, CLUSTER/NAMESPACE/NAME, or --secret KEY');
  const parts = text.split('/');
  if (parts.length === 1) return { clusterId: parts[0]! };
  if (parts.length === 3 && parts.every(Boolean))
    return { clusterId: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  throw new UsageError(`sync: "${text}" is neither CLUSTER nor CLUSTER/NAMESPACE/NAME`);
}

const rowKey = (r: Pick<StatusRow, 'clusterId' | 'namespace' | 'name'>) =>
  `${r.clusterId}/${r.namespace}/${r.name}`;

/**
 * A result has landed when the object's last attempt moved past what it was before the request.
 * Each cluster is printed once all its queued objects have landed.
 */
async function waitForResults(
  ctx: CliContext,
  opts: {
    before: Map<string, string | undefined>;
    perCluster: Record<string, number>;
    fetchRows: (signal?: AbortSignal) => Promise<StatusRow[]>;
    timeoutMs: number;
    /** NAMESPACE/NAME of a single-object sync. */
    only?: string;
  },
): Promise<void> {
  const { terminal } = ctx;
  const { style } = terminal;
  const pending = new Set(Object.keys(opts.perCluster));
  const landed = new Map<string, Map<string, StatusRow>>();
  let failing = 0;
  const deadline = Date.now() + opts.timeoutMs;
  const interrupt = new Interrupt({ terminal });
  try {
    while (pending.size > 0 && Date.now() < deadline && !interrupt.interrupted) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      let rows: StatusRow[];
      try {
        rows = await opts.fetchRows(interrupt.signal);
      } catch (error) {
        if (interrupt.interrupted) break;
        throw error;
      }
      for (const row of rows) {
        if (!pending.has(row.clusterId)) continue;
        if (opts.only && `${row.namespace}/${row.name}` !== opts.only) continue;
        if (row.lastAttemptAt === undefined || row.lastAttemptAt === opts.before.get(rowKey(row))) continue;
        const byCluster = landed.get(row.clusterId) ?? new Map<string, StatusRow>();
        byCluster.set(rowKey(row), row);
        landed.set(row.clusterId, byCluster);
      }
      for (const clusterId of [...pending]) {
        const results = [...(landed.get(clusterId)?.values() ?? [])];
        if (results.length < (opts.perCluster[clusterId] ?? 0)) continue;
        pending.delete(clusterId);
        if (terminal.stderrIsTTY) terminal.errRaw('\r\u001b[2K');
        failing += printCluster(ctx, clusterId, results, opts.only !== undefined);
      }
      if (terminal.stderrIsTTY && pending.size > 0) {
        const done = [...landed.values()].reduce((n, m) => n + m.size, 0);
        const total = Object.values(opts.perCluster).reduce((n, c) => n + c, 0);
        terminal.errRaw(
          `\r\u001b[2Kwaiting for ${pending.size} cluster${pending.size === 1 ? '' : 's'} (${done}/${total} objects landed)`,
        );
      }
    }
  } finally {
    if (terminal.stderrIsTTY) terminal.errRaw('\r\u001b[2K');
    interrupt.dispose();
  }
  if (pending.size > 0) {
    const lines = [...pending].map(
      (c) => `${c}: ${landed.get(c)?.size ?? 0} of ${opts.perCluster[c]} results seen`,
    );
    if (interrupt.interrupted) {
      throw new InterruptedError('stopped waiting (the sync itself goes on in the control plane)');
    }
    throw new CliError(
      `no result from ${pending.size} cluster${pending.size === 1 ? '' : 's'} within the timeout`,
      EXIT.failed,
      [...lines, `${style.dim('see later results with: fleet-secrets status')}`],
    );
  }
  if (failing > 0) throw new CliError(`${failing} object${failing === 1 ? '' : 's'} failed to sync`);
}

function printCluster(ctx: CliContext, clusterId: string, rows: StatusRow[], single: boolean): number {
  const { style } = ctx.terminal;
  const failed = rows.filter((r) => r.ready !== 'True');
  if (single) {
    const row = rows[0]!;
    const mark = row.ready === 'True' ? style.green('✓') : style.red('✗');
    ctx.terminal.out(
      `${mark} ${rowKey(row)}: ${row.ready === 'True' ? 'Ready' : 'not Ready'} (${row.reason})${row.ready === 'True' ? `, version ${versionCell(row.syncedVersions)}` : row.message ? `: ${row.message}` : ''}`,
    );
    return failed.length;
  }
  const ok = rows.length - failed.length;
  const mark = failed.length === 0 ? style.green('✓') : style.red('✗');
  ctx.terminal.out(`${mark} ${clusterId}: ${ok} Ready${failed.length ? `, ${failed.length} failing` : ''}`);
  for (const r of failed)
    ctx.terminal.out(`    ${r.namespace}/${r.name}: ${r.reason}${r.message ? `: ${r.message}` : ''}`);
  return failed.length;
}
