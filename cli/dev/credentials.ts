/**
 * Dev mode's answer to "the control plane's own credentials" (Vault tokens, AppRole secret ids),
 * which the AWS runtime keeps in Secrets Manager: a local YAML/JSON map of key -> value, or an
 * environment variable FLEET_SECRETS_CREDENTIAL_<KEY> (non-alphanumerics as "_").
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CredentialUnavailableError } from '../../shared/adapters/aws-secrets-manager/errors.js';
import type { CredentialSource } from '../../shared/ports/secret-provider.js';

export function credentialVariable(key: string): string {
  return `FLEET_SECRETS_CREDENTIAL_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function devCredentialSource(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CredentialSource {
  return async (key) => {
    const fromEnv = env[credentialVariable(key)];
    if (fromEnv) return fromEnv;
    if (file) {
      let map: unknown;
      try {
        map = parse(readFileSync(file, 'utf8'));
      } catch {
        throw new CredentialUnavailableError({ key, detail: `the credentials file ${file} cannot be read` });
      }
      const value = (map as Record<string, unknown> | null)?.[key];
      if (typeof value === 'string' && value) return value;
    }
    throw new CredentialUnavailableError({
      key,
      detail: `set ${credentialVariable(key)}${file ? ` or add "${key}" to ${file}` : ' or pass --credentials-file'}`,
    });
  };
}
