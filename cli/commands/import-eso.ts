import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import type { Conversion } from '../import-eso/conversion.js';
import { importEso } from '../import-eso/import-eso.js';
import { loadManifests } from '../manifests/load-manifests.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Converted = Extract<Conversion, { ok: true }>;

export function registerImportEsoCommand(program: Command, ctx: CliContext): void {
  program
    .command('import-eso')
    .description(
      'convert External Secrets Operator manifests: ExternalSecrets to ours, SecretStores to central stores',
    )
    .requiredOption('-f, --file <file|dir>', 'ESO manifests, "-" for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read folders recursively')
    .option(
      '-o, --output-dir <dir>',
      'write control-plane.yaml (fleet-secrets apply) and cluster.yaml (kubectl apply) there',
    )
    .addHelpText(
      'after',
      '\nWhat has no equivalent is listed with the field and the reason, and that object is left out (exit code 1).\nConverted stores allow every cluster and key, as ESO did: narrow their accessPolicy before applying.',
    )
    .action((flags: { file: string[]; recursive?: boolean; outputDir?: string }) => {
      const manifests = loadManifests(flags.file, { recursive: flags.recursive });
      const { conversions, skipped } = importEso(manifests);
      if (conversions.length === 0) {
        throw new UsageError('no External Secrets Operator manifests found', skipped);
      }
      const converted = conversions.filter((c): c is Converted => c.ok);
      const failed = conversions.filter((c) => !c.ok);
      const { terminal } = ctx;
      const { style } = terminal;

      const stores = converted.filter((c) => c.destination === 'control-plane');
      const clusterObjects = converted.filter((c) => c.destination === 'cluster');
      if (flags.outputDir) {
        mkdirSync(flags.outputDir, { recursive: true });
        const written: string[] = [];
        if (stores.length) {
          const file = join(flags.outputDir, 'control-plane.yaml');
          writeFileSync(file, render(stores, 'fleet-secrets apply -f'));
          written.push(`${file}  (fleet-secrets apply -f ${file})`);
        }
        if (clusterObjects.length) {
          const file = join(flags.outputDir, 'cluster.yaml');
          writeFileSync(file, render(clusterObjects, 'kubectl apply -f'));
          written.push(`${file}  (kubectl apply -f ${file}, in each cluster)`);
        }
        for (const line of written) terminal.err(`wrote ${line}`);
      } else if (converted.length) {
        terminal.out(render([...stores, ...clusterObjects], undefined).trimEnd());
      }

      for (const c of converted.filter((c) => c.notes.length > 0)) {
        terminal.err(`${style.yellow('!')} ${c.from} -> ${c.object.kind} ${c.object.metadata.name}:`);
        for (const note of c.notes) terminal.err(`    ${note}`);
      }
      for (const c of failed) {
        if (c.ok) continue;
        terminal.err(`${style.red('✗')} ${c.from} was not converted:`);
        for (const reason of c.reasons) terminal.err(`    ${reason}`);
      }
      for (const line of skipped) terminal.err(`${style.dim('-')} ${line}`);
      terminal.err(`converted ${converted.length} of ${conversions.length} ESO objects`);
      if (failed.length > 0)
        throw new CliError(`${failed.length} object${failed.length === 1 ? '' : 's'} could not be converted`);
    });
}

function render(items: Converted[], applyWith: string | undefined): string {
  const header = applyWith
    ? `# Converted by fleet-secrets import-eso; apply with: ${applyWith} <this file>\n`
    : '';
  return header + items.map((c) => `---\n# from ${c.from}\n${stringify(c.object)}`).join('');
}
