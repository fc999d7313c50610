import { AwsEksClusterDirectory } from '../../../shared/adapters/aws-eks/index.js';
import { ENV } from '../../../shared/contracts/runtime-contract.js';
import type { ApiDeps } from '../../../shared/control-plane/api.js';
import { composeApi } from '../compose.js';
import { awsClusterAdapters } from './cluster-adapters.js';
import { oncePerContainer, requiredEnv } from './configuration.js';

/**
 * The api's dependencies in Lambda: EKS endpoints come from DescribeCluster with the function's
 * own role, and only eks and token clusters are served (a kubeconfig path would be a file on the
 * function's own disk).
 */
export const awsApiDeps = oncePerContainer(
  async (): Promise<ApiDeps> => ({
    ...composeApi(await awsClusterAdapters()),
    eks: new AwsEksClusterDirectory(),
    clusterCredentialPrefix: requiredEnv(ENV.clusterCredentialSecretPrefix),
    authTypes: ['eks', 'token'],
  }),
);
