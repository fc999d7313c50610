import { Command, CommanderError, Option } from 'commander';
import { registerApplyCommands } from './commands/apply.js';
import { registerClustersCommand } from './commands/clusters.js';
import { registerDevCommand } from './commands/dev.js';
import { registerImportEsoCommand } from './commands/import-eso.js';
import { registerStatusCommand } from './commands/status.js';
import { registerStoresCommand } from './commands/stores.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerWatcherCommand } from './commands/watcher.js';
import { createContext } from './context.js';
import { DEV_DIR_VARIABLE } from './dev-state.js';
import { ApiRequestError, CliError, EXIT } from './errors.js';
import type { Terminal } from './output/terminal.js';

/** The whole command tree; main.ts runs it on process.argv. */
export function createProgram(terminal: Terminal): { program: Command; close(): void } {
  const program = new Command('fleet-secrets')
    .description(
      'Keep Kubernetes Secrets in sync with AWS Secrets Manager and Vault across a fleet of clusters',
    )
    .addOption(
      new Option('--api-function <name|arn>', 'the deployed api function').env('FLEET_SECRETS_API_FUNCTION'),
    )
    .addOption(new Option('--outputs-file <file>', 'stack outputs JSON of `cdk deploy --outputs-file`'))
    .addOption(new Option('--api-region <region>', 'AWS region of the api function (default: from its ARN)'))
    .addOption(new Option('--api-url <url>', 'a dev-mode control plane').env('FLEET_SECRETS_API_URL'))
    .addOption(new Option('--api-token <token>', 'its API token').env('FLEET_SECRETS_API_TOKEN').hideHelp())
    .addOption(
      new Option('--dev-dir <dir>', 'folder of dev mode (default ./.fleet-secrets-dev)').env(
        DEV_DIR_VARIABLE,
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => terminal.out(s.trimEnd()),
      writeErr: (s) => terminal.err(s.trimEnd()),
    })
    .exitOverride();
  const ctx = createContext(program, terminal);
  registerClustersCommand(program, ctx);
  registerStoresCommand(program, ctx);
  registerApplyCommands(program, ctx);
  registerStatusCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerWatcherCommand(program, ctx);
  registerImportEsoCommand(program, ctx);
  registerDevCommand(program, ctx);
  for (const command of allCommands(program)) command.exitOverride();
  return { program, close: ctx.close };
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs the CLI; resolves with the exit code. Errors become one message, never a stack trace. */
export async function runCli(argv: readonly string[], terminal: Terminal): Promise<number> {
  const { program, close } = createProgram(terminal);
  try {
    await program.parseAsync(argv as string[]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" in commander's flow but successes for the user.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      reportError(terminal, error);
      return error.exitCode;
    }
    const e = error as Error;
    terminal.err(`${terminal.style.red('error:')} ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`);
    if (process.env.FLEET_SECRETS_DEBUG) terminal.err(String(e?.stack));
    return EXIT.failed;
  } finally {
    close();
  }
}

function reportError(terminal: Terminal, error: CliError): void {
  const { style } = terminal;
  const details = error.details.filter((d) => !error.message.includes(d) || error.details.length > 1);
  if (error instanceof ApiRequestError && error.details.length > 1) {
    // The control plane joined every issue into its message; list them instead.
    terminal.err(`${style.red('error:')} the control plane refused ${error.action}:`);
    for (const d of error.details) terminal.err(`  ${d}`);
    return;
  }
  terminal.err(`${style.red('error:')} ${error.message}`);
  for (const d of details) terminal.err(`  ${d}`);
}
