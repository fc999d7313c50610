export { IAM_SERVER_ID_HEADER, iamLoginBody } from './aws-iam-login.js';
export { VaultApiError, VaultAuthError, VaultUnreachableError } from './errors.js';
export { InvalidVaultKeyError, type KvVersion, relativeKey } from './kv-paths.js';
export { NodeVaultApi, type VaultApi } from './vault-api.js';
export { type VaultAuthConfig, VaultAuthenticator, type VaultIamSigning } from './vault-authenticator.js';
export { VaultProvider } from './vault-provider.js';
