/**
 * ESO SecretStore / ClusterSecretStore -> a central SecretStore. Providers other than AWS
 * Secrets Manager and Vault have no equivalent. Credentials that ESO read from Kubernetes Secrets
 * stay out: the control plane uses its own IAM identity, and keeps Vault tokens and AppRole
 * secret ids in its own account, so each such credential becomes a note saying where to put it.
 */
import {
  CONTROL_PLANE_INTERNAL_PREFIX,
  STORE_CREDENTIALS_PREFIX,
} from '../../shared/domain/reserved-keys.js';
import { API_GROUP_VERSION } from '../../shared/domain/schema.js';
import { asArray, type Findings, isRecord } from './conversion.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/;

export function convertSecretStore(obj: Record<string, unknown>, centralName: string, findings: Findings) {
  const f = findings;
  const kind = obj.kind as 'SecretStore' | 'ClusterSecretStore';
  const metadata = isRecord(obj.metadata) ? obj.metadata : {};
  const spec = f.pick(obj.spec, 'spec', [
    'provider',
    'conditions',
    'controller',
    'retrySettings',
    'refreshInterval',
  ]);
  for (const dropped of ['controller', 'retrySettings', 'refreshInterval'] as const) {
    if (spec[dropped] !== undefined)
      f.note(`spec.${dropped}`, 'dropped: the control plane has its own settings for this');
  }
  const providers = isRecord(spec.provider) ? Object.keys(spec.provider) : [];
  const provider: Record<string, unknown> = {};
  if (providers.length !== 1) {
    f.cannot('spec.provider', 'must name exactly one provider');
  } else if (providers[0] === 'aws') {
    const aws = awsProvider((spec.provider as Record<string, unknown>).aws, f);
    if (aws) provider.awsSecretsManager = aws;
  } else if (providers[0] === 'vault') {
    const vault = vaultProvider((spec.provider as Record<string, unknown>).vault, centralName, f);
    if (vault) provider.vault = vault;
  } else {
    f.cannot(
      `spec.provider.${providers[0]}`,
      'fleet-secrets reads AWS Secrets Manager and HashiCorp Vault only',
    );
  }
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'SecretStore',
    metadata: { name: centralName },
    spec: { provider, accessPolicy: accessPolicy(kind, metadata.namespace, spec.conditions, f) },
  };
}

function awsProvider(value: unknown, f: Findings): Record<string, unknown> | undefined {
  const at = 'spec.provider.aws';
  const aws = f.pick(value, at, [
    'service',
    'region',
    'role',
    'externalID',
    'auth',
    'secretsManager',
    'additionalRoles',
    'prefix',
    'sessionTags',
    'transitiveTagKeys',
  ]);
  if (aws.service !== undefined && aws.service !== 'SecretsManager') {
    f.cannot(`${at}.service`, `${String(aws.service)} has no equivalent: only SecretsManager is read`);
    return undefined;
  }
  for (const field of ['additionalRoles', 'prefix', 'sessionTags', 'transitiveTagKeys'] as const) {
    if (aws[field] !== undefined) f.cannot(`${at}.${field}`, 'has no equivalent in fleet-secrets');
  }
  if (aws.auth !== undefined) {
    f.note(
      `${at}.auth`,
      'dropped: the control plane reads with its own IAM identity (or the role below); grant it secretsmanager:GetSecretValue and BatchGetSecretValue instead of copying keys',
    );
  }
  if (aws.secretsManager !== undefined)
    f.note(`${at}.secretsManager`, 'dropped: PushSecret settings do not apply');
  const out: Record<string, unknown> = { region: aws.region };
  if (typeof aws.role === 'string') {
    if (ROLE_ARN.test(aws.role)) out.role = aws.role;
    else f.cannot(`${at}.role`, 'must be a full IAM role ARN');
  }
  if (aws.externalID !== undefined) out.externalId = aws.externalID;
  return out;
}

function vaultProvider(value: unknown, storeName: string, f: Findings): Record<string, unknown> | undefined {
  const at = 'spec.provider.vault';
  const v = f.pick(value, at, [
    'server',
    'path',
    'version',
    'namespace',
    'caBundle',
    'caProvider',
    'auth',
    'readYourWrites',
    'forwardInconsistent',
    'tls',
    'headers',
    'checkAndSet',
  ]);
  for (const field of ['caProvider', 'tls', 'headers'] as const) {
    if (v[field] !== undefined) f.cannot(`${at}.${field}`, 'has no equivalent in fleet-secrets');
  }
  for (const field of ['readYourWrites', 'forwardInconsistent', 'checkAndSet'] as const) {
    if (v[field] !== undefined)
      f.note(`${at}.${field}`, 'dropped: not needed for reads by the control plane');
  }
  if (v.path === undefined) {
    f.cannot(`${at}.path`, 'the KV mount must be named (ESO allowed keys to carry it)');
  }
  const out: Record<string, unknown> = {
    server: v.server,
    path: v.path,
    ...(v.version !== undefined ? { version: v.version } : {}),
    ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
  };
  if (typeof v.caBundle === 'string') {
    // ESO holds the bundle base64-encoded; the store keeps the PEM itself.
    out.caBundle = Buffer.from(v.caBundle, 'base64').toString('utf8');
  }
  const auth = isRecord(v.auth) ? v.auth : {};
  const methods = Object.keys(auth);
  const credential = (suffix: string, ref: unknown, what: string) => {
    const key = `${storeName}/${suffix}`;
    const r = isRecord(ref) ? ref : {};
    f.note(
      `${at}.auth`,
      `${what} was in Kubernetes Secret ${r.namespace ? `${String(r.namespace)}/` : ''}${String(r.name)} (key ${String(r.key)}); copy it to the control plane's Secrets Manager secret ${STORE_CREDENTIALS_PREFIX}${key}`,
    );
    return { key };
  };
  if (methods.length !== 1) {
    f.cannot(`${at}.auth`, 'must name exactly one login method');
  } else if (methods[0] === 'tokenSecretRef') {
    out.auth = { tokenSecretRef: credential('vault-token', auth.tokenSecretRef, 'the Vault token') };
  } else if (methods[0] === 'appRole') {
    const a = f.pick(auth.appRole, `${at}.auth.appRole`, ['path', 'roleId', 'roleRef', 'secretRef']);
    if (a.roleRef !== undefined) f.cannot(`${at}.auth.appRole.roleRef`, 'put the role id itself in roleId');
    out.auth = {
      appRole: {
        ...(a.path !== undefined ? { path: a.path } : {}),
        roleId: a.roleId,
        secretRef: credential('approle-secret-id', a.secretRef, 'the AppRole secret id'),
      },
    };
  } else if (methods[0] === 'iam') {
    const a = f.pick(auth.iam, `${at}.auth.iam`, [
      'path',
      'role',
      'region',
      'externalID',
      'vaultAwsIamServerID',
      'jwt',
      'secretRef',
      'vaultRole',
    ]);
    if (a.jwt !== undefined || a.secretRef !== undefined) {
      f.note(
        `${at}.auth.iam`,
        'the control plane signs the login with its own IAM identity: its credentials were dropped',
      );
    }
    if (a.externalID !== undefined)
      f.cannot(`${at}.auth.iam.externalID`, 'has no equivalent in fleet-secrets');
    const role = a.vaultRole ?? a.role;
    out.auth = {
      iam: {
        role,
        ...(a.path !== undefined ? { path: a.path } : {}),
        ...(a.region !== undefined ? { region: a.region } : {}),
        ...(a.vaultAwsIamServerID !== undefined ? { serverIdHeader: a.vaultAwsIamServerID } : {}),
      },
    };
  } else {
    f.cannot(
      `${at}.auth.${methods[0]}`,
      'the control plane logs in to Vault with a token, AppRole or AWS IAM only (no in-cluster identity is involved)',
    );
  }
  return out;
}

/**
 * ESO limits a SecretStore to its namespace and a ClusterSecretStore to its conditions, and lets
 * either read any key. The policy says the same where it can, and notes what to narrow.
 */
function accessPolicy(
  kind: string,
  namespace: unknown,
  conditions: unknown,
  f: Findings,
): Record<string, unknown> {
  let namespaces: string[];
  if (kind === 'SecretStore') {
    namespaces = [typeof namespace === 'string' ? namespace : 'default'];
  } else if (conditions === undefined) {
    namespaces = ['*'];
    f.note(
      'spec.accessPolicy.namespaces',
      'every namespace may read, as the ClusterSecretStore allowed: narrow it',
    );
  } else {
    namespaces = [];
    asArray(conditions).forEach((c, i) => {
      const cond = isRecord(c) ? c : {};
      namespaces.push(...asArray(cond.namespaces).filter((n): n is string => typeof n === 'string'));
      if (cond.namespaceSelector !== undefined || cond.namespaceRegexes !== undefined) {
        f.note(
          `spec.conditions[${i}]`,
          'namespaceSelector/namespaceRegexes cannot be expressed: list those namespaces (globs such as team-* work) in accessPolicy.namespaces',
        );
      }
    });
  }
  f.note(
    'spec.accessPolicy',
    `allows every cluster and every key, as ESO did (keys under ${CONTROL_PLANE_INTERNAL_PREFIX} excepted: they are the control plane's own): narrow clusterSelector and keys`,
  );
  return { clusterSelector: {}, namespaces, keys: ['**'] };
}
