import type { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { AssumedRoleCredentialCache } from '../aws-credentials/assumed-role-credentials.js';
import { SecretsManagerClients } from './secrets-manager-clients.js';

function recordingSts() {
  const sent: AssumeRoleCommand[] = [];
  const sts = {
    send: async (command: AssumeRoleCommand) => {
      sent.push(command);
      return { Credentials: { AccessKeyId: 'AKIA1', SecretAccessKey: 's', SessionToken: 't' } };
    },
  } as unknown as STSClient;
  return { sts, sent };
}

describe('store role sessions', () => {
  it('should assume every store role with a session policy that denies the control plane secrets', async () => {
    const { sts, sent } = recordingSts();
    const clients = new SecretsManagerClients({ credentials: new AssumedRoleCredentialCache({ sts }) });
    const client = clients.clientFor({
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/broad-store-role',
    });
    await client.config.credentials();

    expect(sent).toHaveLength(1);
    const policy = JSON.parse(sent[0]!.input.Policy ?? '{}') as {
      Statement: Array<{ Effect: string; Action: string[]; Resource: string }>;
    };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: 'arn:*:secretsmanager:*:*:secret:fleet-secrets-internal/*',
      }),
    );
    // Nothing but reads is ever allowed to a store session.
    const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
    expect(
      allowed.every((a) => /^(secretsmanager:(Get|Describe|BatchGet|List)\w+|kms:Decrypt)$/.test(a)),
    ).toBe(true);
  });

  it("should use the function's own identity, with no AssumeRole, when no role is named", () => {
    const { sts, sent } = recordingSts();
    new SecretsManagerClients({ credentials: new AssumedRoleCredentialCache({ sts }) }).clientFor({
      region: 'eu-west-1',
    });
    expect(sent).toHaveLength(0);
  });
});
