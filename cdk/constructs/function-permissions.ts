/**
 * Every IAM statement a control-plane function gets beyond its own logs and dead-letter queue, in
 * one place so least privilege can be read (and is asserted statement by statement in
 * infra-tests/cdk/iam.test.ts). No statement names an action wildcard; Resource "*" appears only
 * where the service offers no resource-level permission, and then with a condition where AWS
 * evaluates one.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { FunctionName } from '../../shared/contracts/runtime-contract.js';
import {
  CONTROL_PLANE_INTERNAL_PREFIX,
  STORE_CREDENTIALS_PREFIX,
} from '../../shared/domain/reserved-keys.js';
import type { ResolvedProps } from '../props.js';

/** A statement, and why any wildcard in its resources is the narrowest AWS allows. */
export interface Grant {
  statement: iam.PolicyStatement;
  wildcardReason?: string;
}

const SECRET_PREFIX_REASON =
  'Secrets Manager appends "-" and 6 random characters to every secret name in its ARN, so ' +
  '"<prefix>*" is the only way to name the secrets under an operator-configured prefix; the ' +
  'prefix is validated to hold no wildcard of its own.';

export interface PermissionContext {
  scope: Construct;
  props: ResolvedProps;
  tableArn: string;
  dueIndexArn: string;
  keyArn: string;
  hmacKeySecretArn: string;
  reconcileFunctionArn: string;
  /** The role reconcile-cluster assumes for every provider read of a store that names no role. */
  storeReaderRoleArn: string;
}

/** Items are read by key or by Query; the adapter never Scans (see docs/state-model.md). */
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
/** TransactWriteItems is authorized per item as Put/Update/Delete/ConditionCheck. */
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** What each function does with the state table (see the use cases in shared/control-plane). */
const TABLE_ACCESS: Record<FunctionName, string[]> = {
  // Reads the reverse index; writes nothing but the short-lived markers that coalesce duplicates.
  rotation: [...TABLE_READ, 'dynamodb:PutItem'],
  // Reads the due index and the cluster catalogue; moves each cluster's next drift check forward.
  sweep: [...TABLE_READ, 'dynamodb:UpdateItem'],
  ingest: [...TABLE_READ, ...TABLE_WRITE],
  'reconcile-cluster': [...TABLE_READ, ...TABLE_WRITE],
  api: [...TABLE_READ, ...TABLE_WRITE],
};

function secretArns(props: ResolvedProps, scope: Construct, prefixes: string[]): string[] {
  const { partition, account, region } = Stack.of(scope);
  const regions = props.secretRegions ?? [region];
  // Secrets Manager appends "-" and 6 random characters to a name in its ARN: "prefix*" covers
  // them; the prefix itself is validated to contain no wildcard.
  return regions.flatMap((r) =>
    prefixes.map((p) => `arn:${partition}:secretsmanager:${r}:${account}:secret:${p}*`),
  );
}

function requestedRegions(props: ResolvedProps, scope: Construct): string[] {
  return props.secretRegions ?? [Stack.of(scope).region];
}

function tableStatements(fn: FunctionName, ctx: PermissionContext): Grant[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'UseStateTable',
      actions: TABLE_ACCESS[fn],
      resources: [ctx.tableArn],
    }),
  ];
  // Only the sweep asks "what is due?"; everyone else reads by key.
  if (fn === 'sweep') {
    statements.push(
      new iam.PolicyStatement({
        sid: 'QueryDueIndex',
        actions: ['dynamodb:Query'],
        resources: [ctx.dueIndexArn],
      }),
    );
  }
  return statements.map((statement) => ({ statement }));
}

function keyGrant(fn: FunctionName, ctx: PermissionContext): Grant {
  const { region, urlSuffix } = Stack.of(ctx.scope);
  const viaServices = [`dynamodb.${region}.${urlSuffix}`, `sqs.${region}.${urlSuffix}`];
  if (fn === 'reconcile-cluster') viaServices.push(`secretsmanager.${region}.${urlSuffix}`);
  // Only through the services that hold our data: the key cannot be used directly.
  return {
    statement: new iam.PolicyStatement({
      sid: 'UseStateKeyThroughOurServices',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [ctx.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': viaServices } },
    }),
  };
}

function invokeReconcileGrant(ctx: PermissionContext): Grant {
  return {
    statement: new iam.PolicyStatement({
      sid: 'InvokeReconcileCluster',
      actions: ['lambda:InvokeFunction'],
      resources: [ctx.reconcileFunctionArn],
    }),
  };
}

/**
 * The store reader role's grants: what a tenant's ExternalSecret can make the control plane read.
 * It holds the store prefixes and, as an explicit Deny that no Allow can outweigh, none of the
 * control plane's own secrets (store and cluster credentials, the HMAC key): a store whose
 * accessPolicy allows "**" still cannot hand them out, even if the policy check had a bug.
 */
export function storeReaderGrants(ctx: Omit<PermissionContext, 'storeReaderRoleArn'>): Grant[] {
  const { props, scope } = ctx;
  const grants: Grant[] = [
    {
      statement: new iam.PolicyStatement({
        sid: 'DenyControlPlaneSecrets',
        effect: iam.Effect.DENY,
        // BatchGetSecretValue checks GetSecretValue per secret, so this Deny covers it too.
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [
          ...internalSecretArns(scope, [CONTROL_PLANE_INTERNAL_PREFIX, props.clusterCredentialSecretPrefix]),
          ctx.hmacKeySecretArn,
        ],
      }),
      wildcardReason:
        'A Deny: the wildcards widen what is refused (every region and account, every secret under the ' +
        "control plane's own prefixes), never what is allowed.",
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ReadStoreSecrets',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: secretArns(props, scope, props.secretNamePrefixes),
      }),
      wildcardReason: SECRET_PREFIX_REASON,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'BatchReadAndListSecrets',
        actions: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': requestedRegions(props, scope) } },
      }),
      wildcardReason:
        'BatchGetSecretValue and ListSecrets have no resource type, so IAM accepts only Resource "*". ' +
        'BatchGetSecretValue still checks secretsmanager:GetSecretValue per secret (ReadStoreSecrets, ' +
        'prefix-scoped), so it returns nothing outside the prefixes; ListSecrets returns names and tags, ' +
        'never values. Both are held to the configured regions with aws:RequestedRegion.',
    },
  ];
  if (props.secretKmsKeyArns.length > 0) {
    const { urlSuffix } = Stack.of(scope);
    grants.push({
      statement: new iam.PolicyStatement({
        sid: 'DecryptStoreSecrets',
        actions: ['kms:Decrypt'],
        resources: props.secretKmsKeyArns,
        conditions: {
          StringEquals: {
            'kms:ViaService': requestedRegions(props, scope).map((r) => `secretsmanager.${r}.${urlSuffix}`),
          },
        },
      }),
    });
  }
  return grants;
}

/** Every region and account: a store role in another account must not reach ours either. */
function internalSecretArns(scope: Construct, prefixes: string[]): string[] {
  const { partition } = Stack.of(scope);
  const outermost = prefixes.filter(
    (p, i) => !prefixes.some((q, j) => j !== i && p.startsWith(q) && (p !== q || j < i)),
  );
  return outermost.map((p) => `arn:${partition}:secretsmanager:*:*:secret:${p}*`);
}

function clusterAccessGrants(ctx: PermissionContext, { describeEks }: { describeEks: boolean }): Grant[] {
  const { props, scope } = ctx;
  const { partition, account, region } = Stack.of(scope);
  const grants: Grant[] = [
    {
      // Non-EKS clusters: their ServiceAccount token or kubeconfig is kept in Secrets Manager.
      statement: new iam.PolicyStatement({
        sid: 'ReadClusterCredentials',
        actions: ['secretsmanager:GetSecretValue'],
        resources: secretArns(props, scope, [props.clusterCredentialSecretPrefix]),
      }),
      wildcardReason: SECRET_PREFIX_REASON,
    },
  ];
  if (describeEks) {
    grants.push({
      statement: new iam.PolicyStatement({
        sid: 'DescribeEksClusters',
        actions: ['eks:DescribeCluster'],
        resources: props.eksClusterArns ?? [`arn:${partition}:eks:${region}:${account}:cluster/*`],
      }),
      wildcardReason:
        'Clusters join the fleet at run time (fleet-secrets clusters add), so by default any EKS cluster of ' +
        'this account and region may be described (read-only: endpoint and CA, no access to the cluster). ' +
        'Operators who know their fleet list it in eksClusterArns, which removes the wildcard.',
    });
  }
  if (props.clusterRoleArns.length > 0) {
    grants.push({
      statement: new iam.PolicyStatement({
        sid: 'AssumeClusterRoles',
        actions: ['sts:AssumeRole'],
        resources: props.clusterRoleArns,
      }),
    });
  }
  return grants;
}

function assumeStoreRolesGrants({ props }: PermissionContext): Grant[] {
  if (props.storeRoleArns.length === 0) return [];
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'AssumeStoreRoles',
        actions: ['sts:AssumeRole'],
        resources: props.storeRoleArns,
      }),
    },
  ];
}

/** The grants of one function's role, by what that function does in ../shared/DESIGN.md. */
export function permissionsOf(fn: FunctionName, ctx: PermissionContext): Grant[] {
  const common = [...tableStatements(fn, ctx), keyGrant(fn, ctx)];
  switch (fn) {
    case 'rotation':
    case 'sweep':
      // Fan-out only: they never touch a provider or a cluster.
      return [...common, invokeReconcileGrant(ctx)];
    case 'ingest':
      // Re-reads the changed object from its cluster with the control plane's own identity.
      return [...common, ...clusterAccessGrants(ctx, { describeEks: false }), invokeReconcileGrant(ctx)];
    case 'reconcile-cluster':
      return [
        ...common,
        {
          // Provider reads go through the reader role, so this role's own secrets stay out of them.
          statement: new iam.PolicyStatement({
            sid: 'AssumeStoreReader',
            actions: ['sts:AssumeRole'],
            resources: [ctx.storeReaderRoleArn],
          }),
        },
        {
          statement: new iam.PolicyStatement({
            sid: 'ReadStoreCredentials',
            actions: ['secretsmanager:GetSecretValue'],
            // The credential source reads in the stack's own region (reconcile-adapters.ts).
            resources: secretArns({ ...ctx.props, secretRegions: undefined }, ctx.scope, [
              STORE_CREDENTIALS_PREFIX,
            ]),
          }),
          wildcardReason: SECRET_PREFIX_REASON,
        },
        ...assumeStoreRolesGrants(ctx),
        ...clusterAccessGrants(ctx, { describeEks: true }),
        {
          statement: new iam.PolicyStatement({
            sid: 'ReadHmacKey',
            actions: ['secretsmanager:GetSecretValue'],
            resources: [ctx.hmacKeySecretArn],
          }),
        },
      ];
    case 'api':
      // Registration reads the EKS endpoint and CA and checks RBAC; force-sync fans out.
      return [...common, ...clusterAccessGrants(ctx, { describeEks: true }), invokeReconcileGrant(ctx)];
  }
}
