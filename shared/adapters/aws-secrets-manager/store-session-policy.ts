import { CONTROL_PLANE_INTERNAL_PREFIX } from '../../domain/reserved-keys.js';

/**
 * The session policy of every assumed store role (the stack's StoreReader and operators' store
 * roles in any account): it allows only reading secrets, and denies the control plane's own
 * secrets in every partition, region and account. A store role written too broadly (say,
 * secretsmanager:GetSecretValue on "*" in this account) then still cannot hand them out.
 */
export const STORE_READ_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadSecretsOnly',
      Effect: 'Allow',
      Action: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:BatchGetSecretValue',
        'secretsmanager:ListSecrets',
        'kms:Decrypt',
      ],
      Resource: '*',
    },
    {
      Sid: 'DenyControlPlaneSecrets',
      Effect: 'Deny',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:*:secretsmanager:*:*:secret:${CONTROL_PLANE_INTERNAL_PREFIX}*`,
    },
  ],
});
