import type { Command } from 'commander';
import { callApi } from '../api-client/api-client.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import {
  type CentralObject,
  type Classified,
  classifyForApply,
  classifyForDelete,
} from '../manifests/classify.js';
import { type LoadedManifest, loadManifests } from '../manifests/load-manifests.js';
import { finishSteps, runSteps, type StepOutcome } from '../steps.js';

interface FileFlags {
  file: string[];
  recursive?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerApplyCommands(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description(
      'create or update SecretStores and FleetExternalSecrets from YAML (validated before anything is sent)',
    )
    .requiredOption('-f, --file <file|dir>', 'manifest file or folder, "-" for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read folders recursively')
    .action(async (flags: FileFlags) => {
      const objects = classifyAll(
        loadManifests(flags.file, { recursive: flags.recursive }),
        classifyForApply,
      );
      refuseDevOnlyStores(ctx, objects);
      // Stores first: a FleetExternalSecret applied in the same run may read from them.
      objects.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'SecretStore' ? -1 : 1));
      const api = await ctx.api();
      const summary = await runSteps({
        terminal: ctx.terminal,
        items: objects,
        label: objectLabel,
        step: (object, signal) => applyOne(api, object, signal),
      });
      finishSteps(summary, objects.length, 'objects');
    });

  program
    .command('delete')
    .description('delete the SecretStores and FleetExternalSecrets named in YAML files')
    .requiredOption('-f, --file <file|dir>', 'manifest file or folder, "-" for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read folders recursively')
    .action(async (flags: FileFlags) => {
      const objects = classifyAll(
        loadManifests(flags.file, { recursive: flags.recursive }),
        classifyForDelete,
      );
      // FleetExternalSecrets first: a store deleted first would fail their last reconcile.
      objects.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'FleetExternalSecret' ? -1 : 1));
      const api = await ctx.api();
      const summary = await runSteps({
        terminal: ctx.terminal,
        items: objects,
        label: objectLabel,
        step: async (object, signal): Promise<StepOutcome> => {
          if (object.kind === 'SecretStore') {
            await callApi(api, 'stores.remove', { name: object.name }, { signal });
            return { ok: true, line: `${objectLabel(object)} deleted` };
          }
          const result = await callApi<{ removed: number }>(
            api,
            'fleet.delete',
            { namespace: object.namespace, name: object.name },
            { signal },
          );
          return {
            ok: true,
            line: `${objectLabel(object)} deleted (${result.removed} object${result.removed === 1 ? '' : 's'} no longer synced; their Secrets follow each object's deletion policy)`,
          };
        },
      });
      finishSteps(summary, objects.length, 'objects');
    });
}

function classifyAll(
  manifests: LoadedManifest[],
  classify: (m: LoadedManifest) => Classified,
): CentralObject[] {
  if (manifests.length === 0) throw new UsageError('no manifests found in the files given');
  const objects: CentralObject[] = [];
  const problems: string[] = [];
  for (const m of manifests) {
    const c = classify(m);
    if (c.ok) objects.push(c.object);
    else problems.push(...c.problems);
  }
  if (problems.length > 0) {
    throw new UsageError(
      `nothing was sent: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the manifests`,
      problems,
    );
  }
  return objects;
}

/** The deployed control plane refuses file stores at every read: say so before sending one. */
function refuseDevOnlyStores(ctx: CliContext, objects: CentralObject[]): void {
  if (ctx.target().kind !== 'lambda') return;
  const problems = objects.flatMap((o) =>
    o.kind === 'SecretStore' && o.manifest.spec.provider.file
      ? [
          `${o.source.file}:${o.source.lineOf('spec.provider.file')}: SecretStore ${o.name}: spec.provider.file: file stores are served by dev mode only`,
        ]
      : [],
  );
  if (problems.length > 0)
    throw new UsageError('nothing was sent: the deployed control plane cannot read files', problems);
}

export function objectLabel(object: CentralObject): string {
  return object.kind === 'SecretStore'
    ? `secretstore/${object.name}`
    : `fleetexternalsecret/${object.namespace}/${object.name}`;
}

async function applyOne(
  api: Awaited<ReturnType<CliContext['api']>>,
  object: CentralObject,
  signal: AbortSignal,
): Promise<StepOutcome> {
  if (object.kind === 'SecretStore') {
    await callApi(api, 'stores.put', { manifest: object.manifest }, { signal });
    return { ok: true, line: `${objectLabel(object)} applied` };
  }
  const result = await callApi<{
    generation: number;
    clusters: Array<{ clusterId: string; objects: number; removed: number }>;
  }>(api, 'fleet.apply', { manifest: object.manifest }, { signal });
  const where = result.clusters.length
    ? `changed in ${result.clusters
        .map((c) => `${c.clusterId} (${c.objects} updated${c.removed ? `, ${c.removed} removed` : ''})`)
        .join(', ')}`
    : 'no cluster changed';
  return { ok: true, line: `${objectLabel(object)} applied (generation ${result.generation}): ${where}` };
}
