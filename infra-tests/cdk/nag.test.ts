import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { UnexplainedSuppressionError } from '../../cdk/errors.js';
import { FleetSecretsStack } from '../../cdk/fleet-secrets-stack.js';
import { acknowledgeNagFinding } from '../../cdk/nag.js';
import { makeThrowawayBundles, SYNTH_TIMEOUT_MS, synthesize } from './synth.js';

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

function acknowledgmentsIn(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** The findings cdk-nag raises before any acknowledgment is applied. */
function rawFindings(root: IConstruct): Array<{ rule: string; path: string }> {
  const pack = new AwsSolutionsChecks();
  // Deliberately bypass acknowledgments to see what they cover (a private method, test-only).
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(root)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
    );
}

function unacknowledged(root: IConstruct) {
  return new AwsSolutionsChecks().validateScope(root).violations.map((v) => ({
    rule: v.ruleName,
    at: v.violatingResources.map((r) => r.constructPath),
  }));
}

const FULLY_CONFIGURED = {
  vpcPlacementIds: {
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
  },
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:fleet-secrets-alarms',
  storeRoleArns: ['arn:aws:iam::210987654321:role/store-reader'],
  clusterRoleArns: ['arn:aws:iam::210987654321:role/cluster-access'],
  secretKmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  secretRegions: ['eu-west-1', 'us-east-1'],
  watcher: {
    oidcProviders: [
      {
        providerArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC',
        issuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
      },
    ],
  },
};

describe('cdk-nag AwsSolutions', () => {
  it(
    'should leave no unacknowledged finding with default props',
    () => {
      expect(unacknowledged(synthesize().stack)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should leave no unacknowledged finding in an environment-agnostic stack',
    () => {
      // Tokens for region and account change the finding ids; the acknowledgments must follow them.
      const app = new App();
      const stack = new FleetSecretsStack(app, 'Agnostic', { bundleDir: makeThrowawayBundles() });
      expect(unacknowledged(stack)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should leave no unacknowledged finding with VPC, alarm topic, roles, keys and IRSA configured',
    () => {
      expect(unacknowledged(synthesize(FULLY_CONFIGURED).stack)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should give every acknowledgment a reason, and acknowledge only findings that really occur',
    () => {
      const { stack } = synthesize(FULLY_CONFIGURED);
      const acks = acknowledgmentsIn(stack);
      expect(acks.length).toBeGreaterThan(0);
      const raw = rawFindings(stack);
      for (const ack of acks) {
        expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
        expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
        const covered = raw.some(
          (f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
        );
        expect(covered, `stale acknowledgment ${ack.id} at ${ack.path}`).toBe(true);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it('should accept no acknowledgment without a real reason', () => {
    const app = new App();
    expect(() => acknowledgeNagFinding(app, 'AwsSolutions-IAM5', 'because')).toThrow(
      UnexplainedSuppressionError,
    );
    expect(() => acknowledgeNagFinding(app, 'AwsSolutions-IAM5', ' '.repeat(60))).toThrow(
      UnexplainedSuppressionError,
    );
  });
});
