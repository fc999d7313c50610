import { CreatePodIdentityAssociationCommand, EKSClient } from '@aws-sdk/client-eks';
import { CliError } from '../errors.js';

/** Binds the watcher's ServiceAccount to its IAM role (EKS Pod Identity); returns the association id. */
export async function createPodIdentityAssociation(opts: {
  clusterName: string;
  region: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
}): Promise<string> {
  const client = new EKSClient({ region: opts.region });
  try {
    const out = await client.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: opts.clusterName,
        namespace: opts.namespace,
        serviceAccount: opts.serviceAccount,
        roleArn: opts.roleArn,
      }),
    );
    return out.association?.associationId ?? 'unknown';
  } catch (error) {
    const e = error as Error;
    if (e.name === 'ResourceInUseException') return 'already present';
    throw new CliError(
      `cannot create the Pod Identity association on ${opts.clusterName}: ${e.name}: ${e.message}`,
    );
  } finally {
    client.destroy();
  }
}
