/**
 * Turns what the user typed (flags, or one entry of a clusters file) into the api's
 * RegisterClusterInput. For a kubeconfig the endpoint and CA are read here; for EKS the control
 * plane looks them up itself (DescribeCluster), so only the cluster's name and region are sent.
 */
import { readFileSync } from 'node:fs';
import type { RegisterClusterInput } from '../../shared/control-plane/api.js';
import { UsageError } from '../errors.js';
import { parseEksCluster } from './eks-target.js';
import { kubeconfigTarget } from './kubeconfig-target.js';

export interface ClusterSource {
  name: string;
  labels?: Record<string, string>;
  namespaces?: string[];
  /** EKS: ARN, or name with `region`. */
  eksCluster?: string;
  /** Role the control plane assumes to get an EKS token (its access entry). */
  eksRole?: string;
  region?: string;
  /** Any cluster: endpoint + CA + a ServiceAccount token kept in Secrets Manager. */
  endpoint?: string;
  caFile?: string;
  tokenSecret?: string;
  /** Dev mode: a kubeconfig file on this machine (the control plane runs here too). */
  kubeconfig?: string;
  context?: string;
}

export async function registrationInput(source: ClusterSource): Promise<RegisterClusterInput> {
  const ways = [source.eksCluster, source.endpoint ?? source.tokenSecret, source.kubeconfig].filter(
    (w) => w !== undefined,
  ).length;
  if (ways !== 1) {
    throw new UsageError(
      `cluster ${source.name}: say how to reach it with exactly one of --eks-cluster ARN, --endpoint URL (with --ca-file and --token-secret), or --kubeconfig FILE`,
    );
  }
  const common = {
    clusterId: source.name,
    labels: source.labels ?? {},
    ...(source.namespaces?.length ? { namespaces: source.namespaces } : {}),
  };
  if (source.eksCluster) {
    // No endpoint or CA: the control plane asks EKS itself, so no caller can redirect its token.
    const eks = parseEksCluster(source.eksCluster, source.region);
    return {
      ...common,
      auth: {
        type: 'eks',
        clusterName: eks.clusterName,
        region: eks.region,
        ...(source.eksRole ? { roleArn: source.eksRole } : {}),
      },
    };
  }
  if (source.kubeconfig) {
    const target = kubeconfigTarget(source.kubeconfig, source.context);
    return {
      ...common,
      endpoint: target.endpoint,
      ...(target.caData ? { caData: target.caData } : {}),
      auth: { type: 'kubeconfig', path: target.path, context: target.context },
    };
  }
  if (!source.endpoint || !source.tokenSecret) {
    throw new UsageError(
      `cluster ${source.name}: --endpoint needs --token-secret (the ARN of the token's secret)`,
    );
  }
  let caData: string | undefined;
  if (source.caFile) {
    try {
      caData = readFileSync(source.caFile, 'utf8');
    } catch {
      throw new UsageError(`--ca-file ${source.caFile}: cannot read it`);
    }
  }
  return {
    ...common,
    endpoint: source.endpoint,
    ...(caData ? { caData } : {}),
    auth: { type: 'token', secretId: source.tokenSecret },
  };
}
