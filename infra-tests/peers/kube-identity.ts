/**
 * The identities and key material of one test cluster: bearer tokens for an admin and a limited
 * user, the service-account signing key pair, and kubeconfig files for each identity.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** The limited identity's user name; it has no groups, so only RoleBindings a test applies empower it. */
export const limitedUser = 'fleet-secrets-limited';
const adminUser = 'fleet-secrets-admin';

export interface ClusterIdentity {
  adminToken: string;
  limitedToken: string;
  limitedUser: string;
  tokenFile: string;
  serviceAccountKeyFile: string;
  serviceAccountPublicKeyFile: string;
}

/** Writes a static token file and a service-account key pair into `dir`; tokens are per cluster. */
export function writeClusterIdentity(dir: string): ClusterIdentity {
  const adminToken = randomBytes(24).toString('hex');
  const limitedToken = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  // token,user,uid[,"group1,group2"]: the admin gets system:masters, the limited user nothing.
  writeFileSync(
    tokenFile,
    `${adminToken},${adminUser},${adminUser},"system:masters"\n${limitedToken},${limitedUser},${limitedUser}\n`,
    { mode: 0o600 },
  );
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountKeyFile = join(dir, 'sa.key');
  const serviceAccountPublicKeyFile = join(dir, 'sa.pub');
  writeFileSync(serviceAccountKeyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(serviceAccountPublicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    adminToken,
    limitedToken,
    limitedUser,
    tokenFile,
    serviceAccountKeyFile,
    serviceAccountPublicKeyFile,
  };
}

export interface KubeconfigOptions {
  path: string;
  clusterName: string;
  userName: string;
  server: string;
  caData: string;
  token: string;
}

/** A kubeconfig with one cluster, one token user and one context, usable by kubectl and client-node. */
export function writeKubeconfig(options: KubeconfigOptions): void {
  const { path, clusterName, userName, server, caData, token } = options;
  const context = `${userName}@${clusterName}`;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server, 'certificate-authority-data': Buffer.from(caData).toString('base64') },
      },
    ],
    users: [{ name: userName, user: { token } }],
    contexts: [{ name: context, context: { cluster: clusterName, user: userName } }],
    'current-context': context,
  };
  writeFileSync(path, stringify(kubeconfig), { mode: 0o600 });
}
