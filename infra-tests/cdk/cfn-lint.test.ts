import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FleetSecretsStack, type FleetSecretsStackProps } from '../../cdk/fleet-secrets-stack.js';
import { type CfnLintFinding, runCfnLint } from './cfn-lint.js';
import { makeThrowawayBundles, SYNTH_TIMEOUT_MS, TEST_ENV } from './synth.js';

function lint(props: Partial<FleetSecretsStackProps>): CfnLintFinding[] {
  const app = new App();
  const stack = new FleetSecretsStack(app, 'FleetSecrets', { bundleDir: makeThrowawayBundles(), ...props });
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-secrets-cfn-lint-')), 'template.json');
  writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));
  return runCfnLint(file);
}

/**
 * The one warning accepted: CDK makes each function DependsOn its role besides referencing it
 * (W3005, "dependency already enforced"), which is redundant but harmless.
 */
function unexpected(findings: CfnLintFinding[]): CfnLintFinding[] {
  return findings.filter(
    (f) => !(f.rule === 'W3005' && f.level === 'Warning' && f.path.includes('DependsOn')),
  );
}

describe('cfn-lint over the synthesized template', () => {
  it(
    'should find no error and no unexpected warning in the environment-agnostic stack `npm run synth` makes',
    () => {
      const findings = lint({});
      expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
      expect(unexpected(findings)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should find no error and no unexpected warning with VPC, topic, roles, keys, IRSA and an account',
    () => {
      const findings = lint({
        env: TEST_ENV,
        vpcPlacementIds: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] },
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:fleet-secrets-alarms',
        storeRoleArns: ['arn:aws:iam::210987654321:role/store-reader'],
        clusterRoleArns: ['arn:aws:iam::210987654321:role/cluster-access'],
        secretKmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        eksClusterArns: ['arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1'],
        sweepSchedule: 'cron(0/2 * * * ? *)',
        watcher: {
          oidcProviders: [
            {
              providerArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC',
              issuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
            },
          ],
        },
      });
      expect(findings.filter((f) => f.level === 'Error')).toEqual([]);
      expect(unexpected(findings)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );
});
