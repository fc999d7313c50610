import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CliError, UsageError } from '../errors.js';

export interface EksTarget {
  clusterName: string;
  region: string;
  endpoint: string;
  caData?: string;
}

const EKS_ARN = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):\d{12}:cluster\/([A-Za-z0-9][A-Za-z0-9_-]{0,99})$/;

/** Name and region of `--eks-cluster ARN` (or a bare name with --region). */
export function parseEksCluster(
  value: string,
  region: string | undefined,
): { clusterName: string; region: string } {
  const arn = EKS_ARN.exec(value);
  if (arn) return { region: arn[1]!, clusterName: arn[2]! };
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(value)) {
    if (!region)
      throw new UsageError(`--eks-cluster ${value}: a bare cluster name needs --region (or pass the ARN)`);
    return { clusterName: value, region };
  }
  throw new UsageError(`--eks-cluster: "${value}" is neither an EKS cluster ARN nor a cluster name`);
}

/** Endpoint and CA from DescribeCluster, with the user's own AWS credentials. */
export async function describeEksCluster(value: string, region: string | undefined): Promise<EksTarget> {
  const id = parseEksCluster(value, region);
  const client = new EKSClient({ region: id.region });
  try {
    const out = await client.send(new DescribeClusterCommand({ name: id.clusterName }));
    const endpoint = out.cluster?.endpoint;
    if (!endpoint)
      throw new CliError(
        `EKS cluster ${id.clusterName} (${id.region}) has no endpoint yet: is it still creating?`,
      );
    const ca = out.cluster?.certificateAuthority?.data;
    return {
      ...id,
      endpoint,
      ...(ca ? { caData: Buffer.from(ca, 'base64').toString('utf8') } : {}),
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot describe EKS cluster ${id.clusterName} in ${id.region}: ${(error as Error).name}: ${(error as Error).message}`,
    );
  } finally {
    client.destroy();
  }
}
