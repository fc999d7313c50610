export { secretsManagerCredentialSource } from './control-plane-credentials.js';
export { providerErrorCodeFor } from './error-mapping.js';
export { CredentialUnavailableError } from './errors.js';
export { SecretsManagerClients } from './secrets-manager-clients.js';
export { BATCH_GET_MAX_IDS, SecretsManagerProvider } from './secrets-manager-provider.js';
export { parseVersion, type VersionSelector } from './version-selector.js';
export { secretsManagerWatcherKeys, WATCHER_KEY_NAME } from './watcher-keys.js';
