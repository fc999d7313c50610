import { resolve } from 'node:path';
import type { Command } from 'commander';
import { API_GROUP_VERSION, type SecretStore } from '../../shared/domain/schema.js';
import { validateSecretStore } from '../../shared/domain/validate.js';
import { callApi } from '../api-client/api-client.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatStructured, parseOutputFormat } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { commaList, formatLabelSelector, parseLabelSelector } from '../parse-args.js';

interface StoreFlags {
  awsRegion?: string;
  role?: string;
  externalId?: string;
  vaultServer?: string;
  vaultPath?: string;
  vaultVersion?: string;
  vaultNamespace?: string;
  vaultTokenKey?: string;
  vaultApproleRoleId?: string;
  vaultApproleSecretKey?: string;
  vaultApprolePath?: string;
  vaultIamRole?: string;
  vaultIamPath?: string;
  file?: string;
  allowClusters?: string;
  allowNamespaces?: string[];
  allowKeys?: string[];
  mergeRequiresOptIn?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerStoresCommand(program: Command, ctx: CliContext): void {
  const stores = program
    .command('stores')
    .description('central secret stores (Secrets Manager, Vault) and who may read from them');

  stores
    .command('add')
    .argument('<name>', 'store name, as ExternalSecrets reference it in secretStoreRef.name')
    .description('define (or replace) a store and its access policy')
    .option('--aws-region <region>', 'AWS Secrets Manager in this region')
    .option('--role <arn>', 'IAM role the control plane assumes to read (cross-account)')
    .option('--external-id <id>', 'external id of that role')
    .option('--vault-server <url>', 'Vault address')
    .option('--vault-path <mount>', 'KV mount path, e.g. secret')
    .option('--vault-version <v1|v2>', 'KV engine version', 'v2')
    .option('--vault-namespace <ns>', 'Vault Enterprise namespace')
    .option('--vault-token-key <key>', 'control-plane credential holding a Vault token')
    .option('--vault-approle-role-id <id>', 'AppRole role id')
    .option('--vault-approle-secret-key <key>', 'control-plane credential holding the AppRole secret id')
    .option('--vault-approle-path <path>', 'AppRole auth mount (default approle)')
    .option('--vault-iam-role <role>', 'Vault AWS IAM auth role')
    .option('--vault-iam-path <path>', 'AWS auth mount (default aws)')
    .option('--file <path>', 'dev mode only: a local YAML/JSON secrets file')
    .option('--allow-clusters <selector>', 'clusters that may read, by label ("env=prod", "all")')
    .option('--allow-namespaces <list>', 'namespace names or globs that may read ("team-*")', collect)
    .option('--allow-keys <list>', 'key globs that may be read ("app/*", "db/**")', collect)
    .option(
      '--merge-requires-opt-in',
      'creationPolicy Merge writes only into Secrets annotated fleet-secrets.io/allow-merge: "true"',
    )
    .addHelpText(
      'after',
      '\nWithout --allow-* the store allows nobody (deny by default).\nExamples:\n  fleet-secrets stores add prod-sm --aws-region eu-west-1 --allow-clusters env=prod --allow-namespaces "team-*" --allow-keys "prod/**"\n  fleet-secrets stores add vault --vault-server https://vault.example:8200 --vault-path secret --vault-token-key vault-token --allow-clusters all --allow-namespaces default --allow-keys "*"',
    )
    .action(async (name: string, flags: StoreFlags) => {
      const manifest = storeFromFlags(name, flags);
      if (manifest.spec.provider.file && ctx.target().kind === 'lambda') {
        throw new UsageError(
          '--file: file stores are served by dev mode only, not by the deployed control plane',
        );
      }
      const validated = validateSecretStore(manifest);
      if (!validated.ok) {
        throw new UsageError(
          `store ${name} is not valid`,
          validated.issues.map((i) => `${i.path}: ${i.message}`),
        );
      }
      await callApi(await ctx.api(), 'stores.put', { manifest: validated.value });
      ctx.terminal.out(
        `store ${name} saved (${describeProvider(validated.value)}; ${describePolicy(validated.value)})`,
      );
    });

  stores
    .command('list')
    .description('every store with its provider and access policy')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action(async (flags: { output: string }) => {
      const format = parseOutputFormat(flags.output);
      const all = await callApi<SecretStore[]>(await ctx.api(), 'stores.list');
      if (format !== 'table') return ctx.terminal.out(formatStructured(all, format));
      if (all.length === 0) return ctx.terminal.err('no stores defined (fleet-secrets stores add NAME ...)');
      const rows = all.map((s) => {
        const policy = s.spec.accessPolicy;
        return [
          s.metadata.name,
          describeProvider(s),
          formatLabelSelector(policy?.clusterSelector),
          (policy?.namespaces ?? []).join(',') || 'none',
          (policy?.keys ?? []).join(',') || 'none',
        ];
      });
      for (const line of renderTable(['NAME', 'PROVIDER', 'CLUSTERS', 'NAMESPACES', 'KEYS'], rows)) {
        ctx.terminal.out(line);
      }
    });

  stores
    .command('show')
    .argument('<name>', 'store name')
    .description("one store's definition")
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(async (name: string, flags: { output: string }) => {
      const format = parseOutputFormat(flags.output);
      const store = await callApi<SecretStore>(await ctx.api(), 'stores.show', { name });
      ctx.terminal.out(formatStructured(store, format === 'table' ? 'yaml' : format));
    });

  stores
    .command('remove')
    .argument('<name>', 'store name')
    .description('delete a store (objects that read from it fail until it is back)')
    .action(async (name: string) => {
      await callApi(await ctx.api(), 'stores.remove', { name });
      ctx.terminal.out(`store ${name} removed`);
    });
}

export function storeFromFlags(name: string, flags: StoreFlags): SecretStore {
  const chosen = [flags.awsRegion, flags.vaultServer, flags.file].filter((v) => v !== undefined).length;
  if (chosen !== 1) {
    throw new UsageError('stores add: choose exactly one provider: --aws-region, --vault-server or --file');
  }
  const provider: SecretStore['spec']['provider'] = {};
  if (flags.awsRegion) {
    provider.awsSecretsManager = {
      region: flags.awsRegion,
      ...(flags.role ? { role: flags.role } : {}),
      ...(flags.externalId ? { externalId: flags.externalId } : {}),
    };
  } else if (flags.vaultServer) {
    if (!flags.vaultPath) throw new UsageError('--vault-server needs --vault-path (the KV mount)');
    const auths = [flags.vaultTokenKey, flags.vaultApproleRoleId, flags.vaultIamRole].filter(Boolean).length;
    if (auths !== 1) {
      throw new UsageError(
        'Vault needs exactly one login: --vault-token-key, --vault-approle-role-id (with --vault-approle-secret-key) or --vault-iam-role',
      );
    }
    let auth: NonNullable<SecretStore['spec']['provider']['vault']>['auth'];
    if (flags.vaultTokenKey) auth = { tokenSecretRef: { key: flags.vaultTokenKey } };
    else if (flags.vaultApproleRoleId) {
      if (!flags.vaultApproleSecretKey)
        throw new UsageError('--vault-approle-role-id needs --vault-approle-secret-key');
      auth = {
        appRole: {
          roleId: flags.vaultApproleRoleId,
          secretRef: { key: flags.vaultApproleSecretKey },
          ...(flags.vaultApprolePath ? { path: flags.vaultApprolePath } : {}),
        },
      };
    } else {
      auth = {
        iam: { role: flags.vaultIamRole!, ...(flags.vaultIamPath ? { path: flags.vaultIamPath } : {}) },
      };
    }
    provider.vault = {
      server: flags.vaultServer,
      path: flags.vaultPath,
      version: flags.vaultVersion as 'v1' | 'v2',
      ...(flags.vaultNamespace ? { namespace: flags.vaultNamespace } : {}),
      auth,
    };
  } else {
    // The dev-mode control plane runs on this machine: an absolute path means the same file to both.
    provider.file = { path: resolve(flags.file!) };
  }
  const accessPolicy: NonNullable<SecretStore['spec']['accessPolicy']> = {};
  if (flags.allowClusters !== undefined) {
    accessPolicy.clusterSelector = parseLabelSelector('--allow-clusters', flags.allowClusters);
  }
  if (flags.allowNamespaces?.length) accessPolicy.namespaces = commaList(flags.allowNamespaces);
  if (flags.allowKeys?.length) accessPolicy.keys = commaList(flags.allowKeys);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'SecretStore',
    metadata: { name },
    spec: {
      provider,
      ...(Object.keys(accessPolicy).length ? { accessPolicy } : {}),
      ...(flags.mergeRequiresOptIn ? { mergeRequiresOptIn: true } : {}),
    },
  };
}

export function describeProvider(store: SecretStore): string {
  const { awsSecretsManager: aws, vault, file } = store.spec.provider;
  if (aws) return `Secrets Manager ${aws.region}${aws.role ? ` as ${aws.role}` : ''}`;
  if (vault) return `Vault ${vault.server} ${vault.path} (${vault.version ?? 'v2'})`;
  if (file) return `file ${file.path}`;
  return 'no provider';
}

function describePolicy(store: SecretStore): string {
  const p = store.spec.accessPolicy;
  if (!p?.clusterSelector || !p.namespaces?.length || !p.keys?.length) {
    return 'its access policy allows nobody yet: set --allow-clusters, --allow-namespaces and --allow-keys';
  }
  return `clusters ${formatLabelSelector(p.clusterSelector)}, namespaces ${p.namespaces.join(',')}, keys ${p.keys.join(',')}`;
}
