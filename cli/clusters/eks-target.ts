import { UsageError } from '../errors.js';

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
