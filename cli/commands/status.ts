import type { Command } from 'commander';
import type { StatusRow } from '../../shared/control-plane/api.js';
import { callApi } from '../api-client/api-client.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { Interrupt } from '../interrupt.js';
import { formatStructured, parseOutputFormat, relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import type { Styles } from '../output/terminal.js';
import { durationMs } from '../parse-args.js';

interface StatusFlags {
  cluster?: string;
  namespace?: string;
  output: string;
  wait?: string;
}

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('every synced object per cluster: Ready, reason, synced version, last sync, next refresh')
    .option('--cluster <name>', 'only this cluster')
    .option('-n, --namespace <name>', 'only this namespace')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .option('--wait <duration>', 'first wait (up to this long, e.g. 60s) until no object is still pending')
    .addHelpText(
      'after',
      '\nExit code: 0 when nothing is failing, 1 when an object is not Ready (or, with --wait, still pending).\nUsable as a CI gate: fleet-secrets status --wait 2m',
    )
    .action(async (flags: StatusFlags) => {
      const format = parseOutputFormat(flags.output);
      const api = await ctx.api();
      const filter = {
        ...(flags.cluster ? { clusterId: flags.cluster } : {}),
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
      };
      const fetchRows = (signal?: AbortSignal) =>
        callApi<StatusRow[]>(api, 'status', filter, signal ? { signal } : {});
      let rows = await fetchRows();
      if (flags.wait) rows = await waitUntilSettled(ctx, rows, fetchRows, durationMs('--wait', flags.wait));

      if (format !== 'table') ctx.terminal.out(formatStructured(rows, format));
      else if (rows.length === 0)
        ctx.terminal.err(
          'no objects (apply a FleetExternalSecret, or create an ExternalSecret in a registered cluster)',
        );
      else printTable(ctx, rows);

      const failing = rows.filter((r) => r.ready === 'False');
      const pending = flags.wait ? rows.filter((r) => r.ready === 'Unknown') : [];
      if (failing.length > 0 || pending.length > 0) {
        const parts = [
          ...(failing.length ? [`${failing.length} failing`] : []),
          ...(pending.length ? [`${pending.length} still pending after ${flags.wait}`] : []),
        ];
        throw new CliError(`${parts.join(', ')} of ${rows.length} objects`, EXIT.failed);
      }
    });
}

async function waitUntilSettled(
  ctx: CliContext,
  first: StatusRow[],
  fetchRows: (signal?: AbortSignal) => Promise<StatusRow[]>,
  timeoutMs: number,
): Promise<StatusRow[]> {
  const deadline = Date.now() + timeoutMs;
  const interrupt = new Interrupt({ terminal: ctx.terminal });
  let rows = first;
  try {
    while (rows.some((r) => r.ready === 'Unknown') && Date.now() < deadline && !interrupt.interrupted) {
      if (ctx.terminal.stderrIsTTY) {
        const pending = rows.filter((r) => r.ready === 'Unknown').length;
        ctx.terminal.errRaw(`\r\u001b[2Kwaiting for ${pending} pending object${pending === 1 ? '' : 's'}...`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rows = await fetchRows(interrupt.signal).catch((error: unknown) => {
        if (interrupt.interrupted) return rows;
        throw error;
      });
    }
  } finally {
    if (ctx.terminal.stderrIsTTY) ctx.terminal.errRaw('\r\u001b[2K');
    interrupt.dispose();
  }
  return rows;
}

function printTable(ctx: CliContext, rows: StatusRow[]): void {
  const { style } = ctx.terminal;
  const now = ctx.now();
  const table = rows.map((r) => [
    r.clusterId,
    r.namespace,
    r.name,
    readyCell(r.ready, style),
    r.reason,
    versionCell(r.syncedVersions),
    relativeTime(r.lastSyncAt, now),
    relativeTime(r.nextRefreshAt, now),
  ]);
  const headers = [
    'CLUSTER',
    'NAMESPACE',
    'NAME',
    'READY',
    'REASON',
    'SYNCED VERSION',
    'LAST SYNC',
    'NEXT REFRESH',
  ];
  for (const line of renderTable(headers, table)) ctx.terminal.out(line);
  const failing = rows.filter((r) => r.ready === 'False' && r.message);
  if (failing.length > 0) {
    ctx.terminal.out('');
    for (const r of failing)
      ctx.terminal.out(`${style.red('✗')} ${r.clusterId}/${r.namespace}/${r.name}: ${r.message}`);
  }
}

function readyCell(ready: StatusRow['ready'], style: Styles): string {
  if (ready === 'True') return style.green(ready);
  if (ready === 'False') return style.red(ready);
  return style.yellow(ready);
}

/** One version shown short; several summed up (-o json has them all). */
export function versionCell(versions: Record<string, string> | undefined): string {
  const values = Object.values(versions ?? {});
  if (values.length === 0) return '-';
  const first = values[0]!.length > 12 ? values[0]!.slice(0, 12) : values[0]!;
  return values.length === 1 ? first : `${first} +${values.length - 1}`;
}
