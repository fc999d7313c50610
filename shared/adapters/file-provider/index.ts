export { SecretsFileError } from './errors.js';
export { FileSecretProvider, type FileSecretProviderOptions } from './file-secret-provider.js';
export {
  changedKeys,
  contentVersion,
  type ParsedSecretsFile,
  parseSecretsFile,
  type SecretsFileEntry,
} from './secrets-file.js';
