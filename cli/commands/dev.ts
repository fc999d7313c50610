import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { resolveDevDir } from '../dev-state.js';
import { durationMs } from '../parse-args.js';

export interface DevFlags {
  kubeconfig?: string;
  context?: string[];
  port: string;
  sweepInterval: string;
  driftInterval: string;
  demo?: boolean;
  logLevel: string;
  credentialsFile?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerDevCommand(program: Command, ctx: CliContext): void {
  program
    .command('dev')
    .description(
      'run the whole control plane in this process against local or kubeconfig clusters (no AWS needed)',
    )
    .option(
      '--kubeconfig <file>',
      'register the clusters of this kubeconfig (default: start a local cluster)',
    )
    .option('--context <name>', 'only these contexts of --kubeconfig (repeatable; default: all)', collect)
    .option('--port <port>', 'port of the local API on 127.0.0.1 (0 picks a free one)', '0')
    .option('--sweep-interval <duration>', 'how often the in-process scheduler runs the sweep', '5s')
    .option('--drift-interval <duration>', 'how often each cluster gets a whole-cluster drift check', '1m')
    .option(
      '--demo',
      'create the demo store, secrets file and ExternalSecret (default: only with the local cluster)',
    )
    .option('--no-demo', 'never create the demo')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option(
      '--credentials-file <file>',
      'YAML map of store credentials (Vault tokens, AppRole secret ids) by key',
    )
    .addHelpText(
      'after',
      '\nState lives in the dev folder (--dev-dir, default ./.fleet-secrets-dev). Ctrl-C stops everything.\nThe first run without --kubeconfig builds etcd and kube-apiserver from source: it may take several minutes.',
    )
    .action(async (flags: DevFlags) => {
      // Loaded here: other commands never pay for the whole control plane.
      const { runDevMode } = await import('../dev/run-dev-mode.js');
      await runDevMode({
        terminal: ctx.terminal,
        dir: resolveDevDir(ctx.connection().devDir),
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        contexts: flags.context ?? [],
        port: Number(flags.port),
        sweepIntervalMs: durationMs('--sweep-interval', flags.sweepInterval),
        driftIntervalMs: durationMs('--drift-interval', flags.driftInterval),
        ...(flags.demo !== undefined ? { demo: flags.demo } : {}),
        logLevel: flags.logLevel,
        ...(flags.credentialsFile ? { credentialsFile: flags.credentialsFile } : {}),
      });
    });
}
