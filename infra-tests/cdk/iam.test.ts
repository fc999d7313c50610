import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/contracts/runtime-contract.js';
import { readable, SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

type Statement = Record<string, unknown>;

/** Every statement of every identity policy attached to a role, readable and in a stable order. */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
  );
  const role = template.findResources('AWS::IAM::Role')[roleId];
  expect(role, `role ${roleId}`).toBeDefined();
  expect(role?.Properties.Policies ?? [], 'roles carry no inline policies').toEqual([]);
  expect(role?.Properties.ManagedPolicyArns ?? [], 'roles carry no managed policies').toEqual([]);
  return sortStatements(
    policies.flatMap((p) => readable(p.Properties.PolicyDocument.Statement) as Statement[]),
  );
}

/** JSON with keys sorted at every level: equal statements give equal strings whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

function sortStatements(statements: Statement[]): Statement[] {
  return [...statements].sort((a, b) => canonical(a).localeCompare(canonical(b)));
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const secretArn = (prefix: string, region = REGION) =>
  `arn:\${AWS::Partition}:secretsmanager:${region}:${ACCOUNT}:secret:${prefix}*`;
const allow = (
  sid: string | undefined,
  action: string | string[],
  resource: unknown,
  condition?: unknown,
) => ({
  ...(condition ? { Condition: condition } : {}),
  Action: action,
  Effect: 'Allow',
  Resource: resource,
  ...(sid ? { Sid: sid } : {}),
});

interface Ids {
  table: string;
  key: string;
  hmac: string;
  reconcileFn: string;
  logs: Record<FunctionName, string>;
  dlq: Record<FunctionName, string>;
  role: Record<FunctionName, string>;
  ingestFn: string;
  watcherRole: string;
  storeReaderRole: string;
}

function idsOf(s: Synthesized): Ids {
  const fns = s.stack.functions.byName;
  const per = (pick: (n: FunctionName) => Parameters<Synthesized['logicalId']>[0]) =>
    Object.fromEntries(FUNCTION_NAMES.map((n) => [n, s.logicalId(pick(n))])) as Record<FunctionName, string>;
  return {
    table: s.logicalId(s.stack.state.table),
    key: s.logicalId(s.stack.state.key),
    hmac: s.logicalId(s.stack.state.hmacKeySecret),
    reconcileFn: s.logicalId(fns['reconcile-cluster'].function),
    ingestFn: s.logicalId(fns.ingest.function),
    logs: per((n) => fns[n].logGroup),
    dlq: per((n) => fns[n].deadLetterQueue),
    role: per((n) => fns[n].role),
    watcherRole: s.logicalId(s.stack.watcher.role),
    storeReaderRole: s.logicalId(s.stack.functions.storeReader.role),
  };
}

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

function common(ids: Ids, fn: FunctionName, tableActions: string[], viaSecretsManager = false): Statement[] {
  const via = [`dynamodb.${REGION}.\${AWS::URLSuffix}`, `sqs.${REGION}.\${AWS::URLSuffix}`];
  if (viaSecretsManager) via.push(`secretsmanager.${REGION}.\${AWS::URLSuffix}`);
  return [
    // Tracing.ACTIVE: X-Ray has no resource-level permissions.
    allow(undefined, ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'),
    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], `\${${ids.logs[fn]}.Arn}`),
    allow('SendFailedInvocations', 'sqs:SendMessage', `\${${ids.dlq[fn]}.Arn}`),
    allow('UseStateTable', tableActions, `\${${ids.table}.Arn}`),
    allow(
      'UseStateKeyThroughOurServices',
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      `\${${ids.key}.Arn}`,
      { StringEquals: { 'kms:ViaService': via } },
    ),
  ];
}

const invokeReconcile = (ids: Ids) =>
  allow('InvokeReconcileCluster', 'lambda:InvokeFunction', `\${${ids.reconcileFn}.Arn}`);
const clusterCredentials = () =>
  allow(
    'ReadClusterCredentials',
    'secretsmanager:GetSecretValue',
    secretArn('fleet-secrets-internal/clusters/'),
  );
const describeEks = (resource: unknown = `arn:\${AWS::Partition}:eks:${REGION}:${ACCOUNT}:cluster/*`) =>
  allow('DescribeEksClusters', 'eks:DescribeCluster', resource);

describe('IAM with default props', () => {
  let s: Synthesized;
  let ids: Ids;
  beforeAll(() => {
    s = synthesize();
    ids = idsOf(s);
  }, SYNTH_TIMEOUT_MS);

  it('should give rotation only the reverse index, its dedupe markers and the reconcile fan-out', () => {
    expect(statementsOfRole(s.template, ids.role.rotation)).toEqual(
      sortStatements([...common(ids, 'rotation', [...TABLE_READ, 'dynamodb:PutItem']), invokeReconcile(ids)]),
    );
  });

  it('should give sweep the due index, cluster updates and the reconcile fan-out', () => {
    expect(statementsOfRole(s.template, ids.role.sweep)).toEqual(
      sortStatements([
        ...common(ids, 'sweep', [...TABLE_READ, 'dynamodb:UpdateItem']),
        allow('QueryDueIndex', 'dynamodb:Query', `\${${ids.table}.Arn}/index/due`),
        invokeReconcile(ids),
      ]),
    );
  });

  it('should give ingest the table, cluster credentials and the reconcile fan-out but no store secret', () => {
    expect(statementsOfRole(s.template, ids.role.ingest)).toEqual(
      sortStatements([
        ...common(ids, 'ingest', [...TABLE_READ, ...TABLE_WRITE]),
        clusterCredentials(),
        invokeReconcile(ids),
      ]),
    );
  });

  it('should give reconcile-cluster its own credentials, the HMAC key, the store reader, cluster access and only itself to invoke', () => {
    expect(statementsOfRole(s.template, ids.role['reconcile-cluster'])).toEqual(
      sortStatements([
        ...common(ids, 'reconcile-cluster', [...TABLE_READ, ...TABLE_WRITE], true),
        allow('AssumeStoreReader', 'sts:AssumeRole', `\${${ids.storeReaderRole}.Arn}`),
        allow(
          'ReadStoreCredentials',
          'secretsmanager:GetSecretValue',
          secretArn('fleet-secrets-internal/store-credentials/'),
        ),
        clusterCredentials(),
        describeEks(),
        allow('ReadHmacKey', 'secretsmanager:GetSecretValue', `\${${ids.hmac}}`),
        invokeReconcile(ids),
      ]),
    );
  });

  it('should let the store reader read the store prefixes and explicitly deny every control plane secret', () => {
    expect(statementsOfRole(s.template, ids.storeReaderRole)).toEqual(
      sortStatements([
        {
          Sid: 'DenyControlPlaneSecrets',
          Effect: 'Deny',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: [
            `arn:\${AWS::Partition}:secretsmanager:*:*:secret:fleet-secrets-internal/*`,
            `\${${ids.hmac}}`,
          ],
        },
        allow(
          'ReadStoreSecrets',
          ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          secretArn('fleet-secrets/'),
        ),
        allow(
          'BatchReadAndListSecrets',
          ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'],
          '*',
          { StringEquals: { 'aws:RequestedRegion': [REGION] } },
        ),
      ]),
    );
    const trust = s.template.findResources('AWS::IAM::Role')[ids.storeReaderRole]?.Properties
      .AssumeRolePolicyDocument.Statement as Statement[];
    expect(readable(trust)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `\${${ids.role['reconcile-cluster']}.Arn}` },
      },
    ]);
  });

  it('should give api the table, cluster access for registration and the reconcile fan-out', () => {
    expect(statementsOfRole(s.template, ids.role.api)).toEqual(
      sortStatements([
        ...common(ids, 'api', [...TABLE_READ, ...TABLE_WRITE]),
        clusterCredentials(),
        describeEks(),
        invokeReconcile(ids),
      ]),
    );
  });

  it('should let the watcher role invoke the ingest function and nothing else', () => {
    expect(statementsOfRole(s.template, ids.watcherRole)).toEqual([
      allow('InvokeIngest', 'lambda:InvokeFunction', `\${${ids.ingestFn}.Arn}`),
    ]);
  });

  it('should trust the Lambda service alone for every function role', () => {
    for (const fn of FUNCTION_NAMES) {
      const role = s.template.findResources('AWS::IAM::Role')[ids.role[fn]];
      expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it('should trust only the watcher ServiceAccount through EKS Pod Identity by default', () => {
    const role = s.template.findResources('AWS::IAM::Role')[ids.watcherRole];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: 'EksPodIdentity',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': ACCOUNT,
            'aws:RequestTag/kubernetes-namespace': 'fleet-secrets-system',
            'aws:RequestTag/kubernetes-service-account': 'fleet-secrets-watcher',
          },
        },
      },
    ]);
  });
});

describe('IAM with roles, regions and keys configured', () => {
  const storeRole = 'arn:aws:iam::210987654321:role/fleet-secrets-store-reader';
  const clusterRole = 'arn:aws:iam::210987654321:role/fleet-secrets-cluster-access';
  const secretKey = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const eksCluster = 'arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1';
  const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  let s: Synthesized;
  let ids: Ids;
  beforeAll(() => {
    s = synthesize({
      secretNamePrefixes: ['prod/', 'shared/'],
      secretRegions: ['eu-west-1', 'eu-central-1'],
      secretKmsKeyArns: [secretKey],
      storeRoleArns: [storeRole],
      clusterRoleArns: [clusterRole],
      eksClusterArns: [eksCluster],
      watcher: {
        oidcProviders: [{ providerArn: `arn:aws:iam::123456789012:oidc-provider/${issuer}`, issuer }],
      },
    });
    ids = idsOf(s);
  }, SYNTH_TIMEOUT_MS);

  it('should scope the store reader to every prefix in every region and reconcile-cluster to exactly the listed roles and keys', () => {
    const statements = [
      ...statementsOfRole(s.template, ids.role['reconcile-cluster']),
      ...statementsOfRole(s.template, ids.storeReaderRole),
    ];
    const bySid = (sid: string) => statements.filter((st) => st.Sid === sid);
    expect(bySid('ReadStoreSecrets')).toEqual([
      allow(
        'ReadStoreSecrets',
        ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        [
          secretArn('prod/', 'eu-west-1'),
          secretArn('shared/', 'eu-west-1'),
          secretArn('prod/', 'eu-central-1'),
          secretArn('shared/', 'eu-central-1'),
        ],
      ),
    ]);
    expect(bySid('BatchReadAndListSecrets')[0]?.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] },
    });
    expect(bySid('DecryptStoreSecrets')).toEqual([
      allow('DecryptStoreSecrets', 'kms:Decrypt', secretKey, {
        StringEquals: {
          'kms:ViaService': [
            `secretsmanager.eu-west-1.\${AWS::URLSuffix}`,
            `secretsmanager.eu-central-1.\${AWS::URLSuffix}`,
          ],
        },
      }),
    ]);
    expect(bySid('AssumeStoreRoles')).toEqual([allow('AssumeStoreRoles', 'sts:AssumeRole', storeRole)]);
    expect(bySid('AssumeClusterRoles')).toEqual([allow('AssumeClusterRoles', 'sts:AssumeRole', clusterRole)]);
    expect(bySid('DescribeEksClusters')).toEqual([describeEks(eksCluster)]);
  });

  it('should let ingest and api assume cluster roles but never store roles', () => {
    for (const fn of ['ingest', 'api'] as const) {
      const sids = statementsOfRole(s.template, ids.role[fn]).map((st) => st.Sid);
      expect(sids).toContain('AssumeClusterRoles');
      expect(sids).not.toContain('AssumeStoreRoles');
      expect(sids).not.toContain('ReadStoreSecrets');
    }
    for (const fn of ['rotation', 'sweep'] as const) {
      const actions = statementsOfRole(s.template, ids.role[fn]).flatMap((st) => st.Action);
      expect(actions).not.toContain('sts:AssumeRole');
    }
  });

  it('should trust the cluster OIDC provider for the watcher ServiceAccount alongside Pod Identity', () => {
    const role = s.template.findResources('AWS::IAM::Role')[ids.watcherRole];
    const statements = role?.Properties.AssumeRolePolicyDocument.Statement as Statement[];
    expect(statements.map((st) => st.Sid)).toEqual(['EksPodIdentity', 'Irsa0']);
    expect(statements[1]).toEqual({
      Sid: 'Irsa0',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: 'system:serviceaccount:fleet-secrets-system:fleet-secrets-watcher',
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        },
      },
    });
  });
});

describe('IAM across the whole template', () => {
  /** Statements that may say Resource "*", each because the service has no resource-level permission. */
  const RESOURCE_STAR_ALLOWED = new Set([
    'xray:PutTraceSegments,xray:PutTelemetryRecords',
    'secretsmanager:BatchGetSecretValue,secretsmanager:ListSecrets',
    'ec2:CreateNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:DescribeSubnets,ec2:DeleteNetworkInterface,ec2:AssignPrivateIpAddresses,ec2:UnassignPrivateIpAddresses',
  ]);

  it(
    'should use no action wildcard and Resource "*" only where AWS requires it',
    () => {
      const vpcId = 'vpc-0123456789abcdef0';
      const s = synthesize({ vpcPlacementIds: { vpcId, subnetIds: ['subnet-0123456789abcdef0'] } });
      const policies = Object.values(s.template.findResources('AWS::IAM::Policy'));
      expect(policies.length).toBeGreaterThan(0);
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      const starResources: string[] = [];
      for (const st of statements) {
        const actions = ([] as string[]).concat(st.Action as string | string[]);
        for (const action of actions) expect(action, 'an action wildcard').not.toMatch(/\*/);
        const resources = ([] as unknown[]).concat(st.Resource);
        if (resources.includes('*')) starResources.push(actions.join(','));
      }
      expect(new Set(starResources)).toEqual(RESOURCE_STAR_ALLOWED);
    },
    SYNTH_TIMEOUT_MS,
  );
});
