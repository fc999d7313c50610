import { type Cluster, DescribeClusterCommand, EKSClient, type EKSClientConfig } from '@aws-sdk/client-eks';
import {
  type EksClusterDirectory,
  type EksClusterLocation,
  EksClusterLookupError,
} from '../../ports/eks-clusters.js';

export interface AwsEksClusterDirectoryOptions {
  /** Shared client settings (`endpoint` and `credentials` for moto in tests). */
  clientConfig?: Omit<EKSClientConfig, 'region'>;
}

/** DescribeCluster with the function's own role (eks:DescribeCluster; read-only). */
export class AwsEksClusterDirectory implements EksClusterDirectory {
  readonly #clientConfig: Omit<EKSClientConfig, 'region'>;
  readonly #clients = new Map<string, EKSClient>();

  constructor({ clientConfig = {} }: AwsEksClusterDirectoryOptions = {}) {
    this.#clientConfig = clientConfig;
  }

  async describe(clusterName: string, region: string): Promise<EksClusterLocation> {
    let cluster: Cluster | undefined;
    try {
      cluster = (await this.#client(region).send(new DescribeClusterCommand({ name: clusterName }))).cluster;
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'unknown error';
      throw new EksClusterLookupError(`cannot describe EKS cluster ${clusterName} in ${region}: ${code}`);
    }
    if (!cluster?.endpoint?.startsWith('https://')) {
      throw new EksClusterLookupError(
        `EKS cluster ${clusterName} in ${region} has no https endpoint yet: is it still creating?`,
      );
    }
    const ca = cluster.certificateAuthority?.data;
    return {
      endpoint: cluster.endpoint,
      ...(ca ? { caData: Buffer.from(ca, 'base64').toString('utf8') } : {}),
    };
  }

  #client(region: string): EKSClient {
    let client = this.#clients.get(region);
    if (!client) {
      client = new EKSClient({ ...this.#clientConfig, region });
      this.#clients.set(region, client);
    }
    return client;
  }
}
