export * from '../../lib/request-counter.js';
export { redact, toKubeError } from './api-errors.js';
export {
  type BearerTokenSource,
  KubeConfigAuthentication,
  StaticTokenSource,
  TokenSourceAuthentication,
} from './auth.js';
export * from './classify-request.js';
export { KubeClusterClientFactory, type KubeClusterClientFactoryOptions } from './cluster-client-factory.js';
export { ClusterTransport } from './cluster-transport.js';
export {
  type AwsCredentialsProvider,
  decodeEksToken,
  EKS_TOKEN_PREFIX,
  EKS_TOKEN_VALIDITY_MS,
  EksTokenSource,
  presignEksToken,
} from './eks-token.js';
export * from './errors.js';
export { KubeClusterClient, type KubeClusterClientOptions } from './kube-cluster-client.js';
export * from './rbac.js';
export { SecretsManagerTokenSource } from './secrets-manager-token-source.js';
