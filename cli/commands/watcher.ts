import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClusterRecord } from '../../shared/domain/records.js';
import { CLUSTER_CREDENTIALS_PREFIX } from '../../shared/domain/reserved-keys.js';
import {
  renderWatcherKeySecretYaml,
  renderWatcherManifestsYaml,
  type WatcherCredentialsMode,
  WatcherManifestError,
  watcherDefaults,
} from '../../watcher/install-manifests.js';
import { callApi } from '../api-client/api-client.js';
import { readStackOutputs, regionOfArn, type StackOutputs } from '../api-client/cdk-outputs.js';
import { DEFAULT_OUTPUTS_FILE } from '../api-client/resolve.js';
import type { CliContext } from '../context.js';
import { CliError, NoControlPlaneError, UsageError } from '../errors.js';
import { commaList } from '../parse-args.js';

interface ManifestFlags {
  cluster: string;
  image?: string;
  ingestFunctionArn?: string;
  roleArn?: string;
  region?: string;
  mode: string;
  apiServerCidr?: string;
  awsEndpointCidrs?: string[];
  namespace?: string;
  resyncSeconds?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  check: boolean;
  associate?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerWatcherCommand(program: Command, ctx: CliContext): void {
  const watcher = program
    .command('watcher')
    .description('the small in-cluster watcher that reports ExternalSecret changes');
  registerWatcherKeyCommand(watcher, ctx);
  watcher
    .command('manifest')
    .description('print the YAML to kubectl apply in one member cluster')
    .requiredOption('--cluster <name>', 'registered cluster id')
    .option('--image <ref>', 'watcher image, ideally pinned by digest (default $FLEET_SECRETS_WATCHER_IMAGE)')
    .option('--ingest-function-arn <arn>', 'the ingest function (default: from the stack outputs)')
    .option('--role-arn <arn>', "the watcher's IAM role (default: WatcherRoleArn from the stack outputs)")
    .option('--region <region>', "the ingest function's region (default: from its ARN)")
    .option('--mode <mode>', 'pod-identity or irsa', 'pod-identity')
    .option('--api-server-cidr <cidr>', "restrict the pod's egress to the API server to this CIDR")
    .option(
      '--aws-endpoint-cidrs <cidrs>',
      'restrict egress to AWS endpoints (e.g. VPC endpoint subnets)',
      collect,
    )
    .option('--namespace <ns>', `namespace of the watcher (default ${watcherDefaults.namespace})`)
    .option('--resync-seconds <n>', 'full relist period')
    .option('--log-level <level>', 'debug, info, warn or error')
    .option('--no-check', 'do not ask the control plane whether the cluster is registered')
    .option(
      '--associate',
      'pod-identity on EKS: also create the Pod Identity association with your AWS credentials',
    )
    .addHelpText(
      'after',
      '\nExample:\n  fleet-secrets watcher manifest --cluster prod-eu-1 --image REGISTRY/fleet-secrets-watcher@sha256:... | kubectl apply -f -',
    )
    .action(async (flags: ManifestFlags) => {
      const outputs = stackOutputs(ctx);
      const image = flags.image ?? process.env.FLEET_SECRETS_WATCHER_IMAGE;
      if (!image)
        throw new UsageError('--image: which watcher image to run (build it with npm run build:watcher)');
      const ingestFunctionArn = flags.ingestFunctionArn ?? outputs?.ingestFunctionArn;
      const roleArn = flags.roleArn ?? outputs?.watcherRoleArn;
      if (!ingestFunctionArn)
        throw new UsageError('--ingest-function-arn: not given and no stack outputs file found');
      if (!roleArn) throw new UsageError('--role-arn: not given and no stack outputs file found');
      const region = flags.region ?? regionOfArn(ingestFunctionArn);
      if (!region) throw new UsageError('--region: cannot tell the region from the ingest function ARN');
      if (flags.mode !== 'pod-identity' && flags.mode !== 'irsa') {
        throw new UsageError(`--mode: "${flags.mode}" is not pod-identity or irsa`);
      }
      const record = flags.check ? await registeredCluster(ctx, flags.cluster) : undefined;

      let yaml: string;
      try {
        yaml = renderWatcherManifestsYaml({
          clusterId: flags.cluster,
          image,
          ingestFunctionArn,
          region,
          roleArn,
          mode: flags.mode as WatcherCredentialsMode,
          ...(flags.apiServerCidr ? { apiServerCidr: flags.apiServerCidr } : {}),
          ...(flags.awsEndpointCidrs?.length ? { awsEndpointCidrs: commaList(flags.awsEndpointCidrs) } : {}),
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          ...(flags.resyncSeconds ? { resyncSeconds: Number(flags.resyncSeconds) } : {}),
          ...(flags.logLevel ? { logLevel: flags.logLevel } : {}),
        });
      } catch (error) {
        if (error instanceof WatcherManifestError)
          throw new UsageError(`--${kebab(error.option)}: ${error.message.slice(error.option.length + 2)}`);
        throw error;
      }
      ctx.terminal.out(yaml.trimEnd());

      if (flags.mode === 'pod-identity') {
        const namespace = flags.namespace ?? watcherDefaults.namespace;
        const eks = record?.auth.type === 'eks' ? record.auth : undefined;
        if (flags.associate) {
          if (!eks)
            throw new CliError(`--associate: cluster ${flags.cluster} is not registered as an EKS cluster`);
          const { createPodIdentityAssociation } = await import('../clusters/pod-identity.js');
          const created = await createPodIdentityAssociation({
            clusterName: eks.clusterName,
            region: eks.region,
            namespace,
            serviceAccount: watcherDefaults.name,
            roleArn,
          });
          ctx.terminal.err(
            `# Pod Identity association ${created} created for ${namespace}/${watcherDefaults.name}`,
          );
        } else {
          ctx.terminal.err(
            `# pod-identity: the ServiceAccount needs an EKS Pod Identity association (or rerun with --associate):\n#   aws eks create-pod-identity-association --cluster-name ${eks?.clusterName ?? 'CLUSTER'} --namespace ${namespace} --service-account ${watcherDefaults.name} --role-arn ${roleArn}`,
          );
        }
      }
    });
}

function registerWatcherKeyCommand(watcher: Command, ctx: CliContext): void {
  watcher
    .command('key')
    .description("make a new watcher key: store the control plane's copy, print the cluster's Secret")
    .requiredOption('--cluster <name>', 'registered cluster id')
    .option('--region <region>', "the control plane's region (default: from the stack outputs)")
    .option('--namespace <ns>', `namespace of the watcher (default ${watcherDefaults.namespace})`)
    .option('--prefix <prefix>', "the stack's clusterCredentialSecretPrefix", CLUSTER_CREDENTIALS_PREFIX)
    .addHelpText('after', '\nExample:\n  fleet-secrets watcher key --cluster prod-eu-1 | kubectl apply -f -')
    .action(async (flags: { cluster: string; region?: string; namespace?: string; prefix: string }) => {
      if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.cluster)) {
        throw new UsageError(`--cluster: "${flags.cluster}" is not a cluster id (a DNS label)`);
      }
      const arn = stackOutputs(ctx)?.ingestFunctionArn;
      const region = flags.region ?? (arn ? regionOfArn(arn) : undefined);
      if (!region) throw new UsageError('--region: not given and no stack outputs file found');
      const { storeNewWatcherKey } = await import('../clusters/watcher-key.js');
      const { key, secretName } = await storeNewWatcherKey({
        clusterId: flags.cluster,
        prefix: flags.prefix,
        region,
      });
      ctx.terminal.out(
        renderWatcherKeySecretYaml({
          key,
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
        }).trimEnd(),
      );
      ctx.terminal.err(
        `# control plane copy stored in ${secretName}; pipe this Secret into kubectl apply -f -`,
      );
    });
}

function kebab(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function stackOutputs(ctx: CliContext): StackOutputs | undefined {
  const { outputsFile } = ctx.connection();
  if (outputsFile) return readStackOutputs(outputsFile);
  return existsSync(DEFAULT_OUTPUTS_FILE) ? readStackOutputs(DEFAULT_OUTPUTS_FILE) : undefined;
}

/** The cluster's registration; a typo'd name is caught before anything is applied anywhere. */
async function registeredCluster(ctx: CliContext, clusterId: string): Promise<ClusterRecord | undefined> {
  try {
    ctx.target();
  } catch (error) {
    if (!(error instanceof NoControlPlaneError)) throw error;
    ctx.terminal.err(`# note: no control plane configured, so cluster ${clusterId} was not checked`);
    return undefined;
  }
  return callApi<ClusterRecord>(await ctx.api(), 'clusters.show', { clusterId });
}
