import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ResolvedProps } from '../props.js';

export interface WatcherAccessConstructProps {
  watcher: ResolvedProps['watcher'];
  ingestFunction: lambda.IFunction;
}

/**
 * Roughly how many IRSA statements fit IAM's default 2,048-character trust policy limit next to
 * the Pod Identity statement; beyond it a deploy fails unless the quota was raised.
 */
const IRSA_PROVIDERS_IN_DEFAULT_QUOTA = 4;

/**
 * A principal that writes exactly the given trust statements: Role's own rendering allows one
 * principal kind per statement without per-statement conditions and Sids.
 */
class ExactTrustPolicy extends iam.PrincipalBase {
  readonly #statements: iam.PolicyStatement[];

  constructor(statements: iam.PolicyStatement[]) {
    super();
    this.#statements = statements;
  }

  get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({});
  }

  override addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(...this.#statements);
  }

  dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * The in-cluster watcher's only AWS identity: it may invoke the ingest function and nothing else
 * (it forwards "object X changed"; the control plane re-reads X itself, so a forged notice costs
 * one redundant reconcile). Trusted through EKS Pod Identity (one association per cluster, no
 * per-cluster trust to maintain) and, for clusters that use IRSA or live in other accounts,
 * through each cluster's OIDC provider, always for the one ServiceAccount.
 */
export class WatcherAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, { watcher, ingestFunction }: WatcherAccessConstructProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    const { namespace, serviceAccount } = watcher;

    const trust: iam.PolicyStatement[] = [];
    if (watcher.podIdentity) {
      trust.push(
        new iam.PolicyStatement({
          sid: 'EksPodIdentity',
          principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
          // Pod Identity passes the pod's namespace and ServiceAccount as session tags; TagSession
          // is needed for that, and the tags are what pins the role to our ServiceAccount.
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          conditions: {
            StringEquals: {
              'aws:SourceAccount': account,
              'aws:RequestTag/kubernetes-namespace': namespace,
              'aws:RequestTag/kubernetes-service-account': serviceAccount,
            },
          },
        }),
      );
    }
    watcher.oidcProviders.forEach((provider, i) => {
      trust.push(
        new iam.PolicyStatement({
          sid: `Irsa${i}`,
          principals: [new iam.FederatedPrincipal(provider.providerArn)],
          actions: ['sts:AssumeRoleWithWebIdentity'],
          conditions: {
            StringEquals: {
              [`${provider.issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${provider.issuer}:aud`]: 'sts.amazonaws.com',
            },
          },
        }),
      );
    });

    this.role = new iam.Role(this, 'Role', {
      description: 'fleet-secrets in-cluster watcher: may only invoke the ingest function',
      assumedBy: new ExactTrustPolicy(trust),
    });

    if (watcher.oidcProviders.length > IRSA_PROVIDERS_IN_DEFAULT_QUOTA) {
      Annotations.of(this).addWarningV2(
        'fleet-secrets:watcher-trust-size',
        `${watcher.oidcProviders.length} OIDC providers may exceed IAM's default trust policy size ` +
          '(2,048 characters); raise the quota or use EKS Pod Identity for same-account clusters',
      );
    }

    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeIngest',
        actions: ['lambda:InvokeFunction'],
        resources: [ingestFunction.functionArn],
      }),
    );
  }
}
