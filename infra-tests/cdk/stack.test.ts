import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SIZING, reconcileFunctionNameFor } from '../../cdk/constructs/control-plane-functions.js';
import { InvalidStackPropsError } from '../../cdk/errors.js';
import { FUNCTION_OUTPUT_PREFIX } from '../../cdk/fleet-secrets-stack.js';
import { STATE_TABLE_DESIGN } from '../../shared/adapters/dynamodb/table-design.js';
import {
  ENV,
  FUNCTION_NAMES,
  type FunctionName,
  METRIC,
  METRICS_NAMESPACE,
} from '../../shared/contracts/runtime-contract.js';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const ref = (id: string) => ({ Ref: id });

describe('the stack with default props', () => {
  let s: Synthesized;
  let resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
  >;
  beforeAll(() => {
    s = synthesize();
    resources = s.template.toJSON().Resources;
  }, SYNTH_TIMEOUT_MS);

  const fnOf = (name: FunctionName) => s.stack.functions.byName[name];
  const props = (construct: Parameters<Synthesized['logicalId']>[0]) =>
    resources[s.logicalId(construct)]?.Properties;

  it('should hold exactly the resources of the design and nothing else', () => {
    const counts: Record<string, number> = {};
    for (const r of Object.values(resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    expect(counts).toEqual({
      'AWS::KMS::Key': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::SecretsManager::Secret': 1,
      'AWS::Logs::LogGroup': 5,
      // five function roles, the watcher's and the store reader's
      'AWS::IAM::Role': 7,
      // five default policies, the watcher's, the store reader's and reconcile-cluster's self-invoke
      'AWS::IAM::Policy': 8,
      // five functions' dead-letter queues and the event rules'
      'AWS::SQS::Queue': 6,
      'AWS::SQS::QueuePolicy': 6,
      'AWS::Lambda::Function': 5,
      'AWS::Lambda::EventInvokeConfig': 5,
      'AWS::Events::Rule': 4,
      'AWS::Lambda::Permission': 4,
      // errors x5, dead letters x6, sync failures, rotation latency
      'AWS::CloudWatch::Alarm': 13,
      'AWS::CloudWatch::Dashboard': 1,
    });
  });

  it('should create the state table from the shared table design: on-demand, PITR, CMK, deletion protection, TTL', () => {
    const d = STATE_TABLE_DESIGN;
    const table = resources[s.logicalId(s.stack.state.table)];
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toEqual({
      KeySchema: [
        { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: d.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: d.partitionKey.name, AttributeType: d.partitionKey.type },
        { AttributeName: d.sortKey.name, AttributeType: d.sortKey.type },
        { AttributeName: d.dueIndex.partitionKey.name, AttributeType: d.dueIndex.partitionKey.type },
        { AttributeName: d.dueIndex.sortKey.name, AttributeType: d.dueIndex.sortKey.type },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: getAtt(s.logicalId(s.stack.state.key)),
      },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: d.timeToLiveAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: d.dueIndex.indexName,
          KeySchema: [
            { AttributeName: d.dueIndex.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: d.dueIndex.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...d.dueIndex.nonKeyAttributes] },
        },
      ],
    });
  });

  it('should rotate the customer-managed key yearly and let EventBridge use it only for our rules', () => {
    const key = resources[s.logicalId(s.stack.state.key)];
    expect(key?.DeletionPolicy).toBe('Retain');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(key?.Properties.PendingWindowInDays).toBe(30);
    const statements = (key!.Properties.KeyPolicy as { Statement: unknown[] }).Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowEventBridgeToEncryptRuleDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':events:eu-west-1:123456789012:rule/*']],
          },
        },
      },
    });
    // The rest is CDK's: the account administers the key through IAM, and Secrets Manager may use
    // it for the HMAC key secret on behalf of principals of this account (IAM still decides who).
    const root = { AWS: { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::123456789012:root']] } };
    const viaSecretsManager = {
      StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
    };
    expect(statements.filter((st) => (st as { Sid?: string }).Sid === undefined)).toEqual([
      { Effect: 'Allow', Principal: root, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Allow',
        Principal: root,
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: viaSecretsManager,
      },
      {
        Effect: 'Allow',
        Principal: root,
        Action: ['kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: viaSecretsManager,
      },
    ]);
  });

  it('should keep the HMAC key in a generated secret encrypted with our key', () => {
    expect(props(s.stack.state.hmacKeySecret)).toEqual({
      Description: expect.stringContaining('HMAC'),
      KmsKeyId: getAtt(s.logicalId(s.stack.state.key)),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it.each(FUNCTION_NAMES)(
    'should run %s from its own bundle on arm64 Node 24 with its sizing, tracing and JSON logs',
    (name) => {
      const fn = fnOf(name);
      const sizing = FUNCTION_SIZING[name];
      const p = props(fn.function);
      expect(p).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: sizing.memorySize,
        Timeout: sizing.timeout.toSeconds(),
        Role: getAtt(s.logicalId(fn.role)),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: {
          LogFormat: 'JSON',
          ApplicationLogLevel: 'INFO',
          SystemLogLevel: 'WARN',
          LogGroup: ref(s.logicalId(fn.logGroup)),
        },
        Code: { S3Bucket: expect.any(String), S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
      });
      expect(p?.VpcConfig).toBeUndefined();
      expect(
        p?.ReservedConcurrentExecutions,
        'reserved concurrency would take from the account pool',
      ).toBeUndefined();
    },
  );

  it('should package each function from its own bundle folder', () => {
    const keys = new Set(
      FUNCTION_NAMES.map((n) => JSON.stringify((props(fnOf(n).function)?.Code as object) ?? {})),
    );
    expect(keys.size).toBe(FUNCTION_NAMES.length);
  });

  it('should set the Powertools and fleet-secrets environment each function reads', () => {
    const tableRef = ref(s.logicalId(s.stack.state.table));
    const reconcileRef = ref(s.logicalId(fnOf('reconcile-cluster').function));
    const powertools = (name: FunctionName) => ({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: `fleet-secrets-${name}`,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    });
    const env = (name: FunctionName) =>
      (props(fnOf(name).function)!.Environment as { Variables: unknown }).Variables;
    for (const name of ['rotation', 'sweep'] as const) {
      expect(env(name)).toEqual({
        [ENV.tableName]: tableRef,
        [ENV.reconcileFunctionName]: reconcileRef,
        ...powertools(name),
      });
    }
    expect(env('ingest')).toEqual({
      [ENV.tableName]: tableRef,
      [ENV.reconcileFunctionName]: reconcileRef,
      [ENV.minRefreshIntervalMs]: '60000',
      [ENV.clusterCredentialSecretPrefix]: 'fleet-secrets-internal/clusters/',
      ...powertools('ingest'),
    });
    expect(env('api')).toEqual({
      [ENV.tableName]: tableRef,
      [ENV.reconcileFunctionName]: reconcileRef,
      [ENV.secretNamePrefixes]: 'fleet-secrets/',
      [ENV.clusterCredentialSecretPrefix]: 'fleet-secrets-internal/clusters/',
      [ENV.minRefreshIntervalMs]: '60000',
      ...powertools('api'),
    });
    expect(env('reconcile-cluster')).toEqual({
      [ENV.tableName]: tableRef,
      // A literal: the function's own Ref would be a circular reference.
      [ENV.reconcileFunctionName]: 'FleetSecretsTest-reconcile-cluster',
      [ENV.hmacKeySecretArn]: ref(s.logicalId(s.stack.state.hmacKeySecret)),
      [ENV.secretNamePrefixes]: 'fleet-secrets/',
      [ENV.storeReaderRoleArn]: { 'Fn::GetAtt': [s.logicalId(s.stack.functions.storeReader.role), 'Arn'] },
      [ENV.minRefreshIntervalMs]: '60000',
      ...powertools('reconcile-cluster'),
    });
  });

  it('should name reconcile-cluster after the stack so it can find itself, and leave other names generated', () => {
    expect(props(fnOf('reconcile-cluster').function)?.FunctionName).toBe(
      'FleetSecretsTest-reconcile-cluster',
    );
    for (const name of ['rotation', 'sweep', 'ingest', 'api'] as const) {
      expect(props(fnOf(name).function)?.FunctionName).toBeUndefined();
    }
    expect(reconcileFunctionNameFor('FleetSecrets')).toBe('FleetSecrets-reconcile-cluster');
    const long = reconcileFunctionNameFor(`Team-${'x'.repeat(120)}`);
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[A-Za-z0-9-]+-reconcile-cluster$/);
    expect(long).not.toBe(reconcileFunctionNameFor(`Team-${'x'.repeat(119)}y`));
  });

  it.each(FUNCTION_NAMES)(
    'should send %s invocations Lambda gave up on to its own encrypted queue',
    (name) => {
      const fn = fnOf(name);
      const sizing = FUNCTION_SIZING[name];
      const configs = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::Lambda::EventInvokeConfig' &&
          JSON.stringify(r.Properties.FunctionName) === JSON.stringify(ref(s.logicalId(fn.function))),
      );
      expect(configs.map((c) => c.Properties)).toEqual([
        {
          FunctionName: ref(s.logicalId(fn.function)),
          Qualifier: '$LATEST',
          MaximumRetryAttempts: sizing.retryAttempts,
          MaximumEventAgeInSeconds: sizing.maxEventAge.toSeconds(),
          DestinationConfig: { OnFailure: { Destination: getAtt(s.logicalId(fn.deadLetterQueue)) } },
        },
      ]);
    },
  );

  it('should encrypt every queue with our key, keep messages 14 days and refuse plain HTTP', () => {
    const keyArn = getAtt(s.logicalId(s.stack.state.key));
    const queues = [...s.stack.functions.all.map((f) => f.deadLetterQueue), s.stack.events.deadLetterQueue];
    for (const queue of queues) {
      expect(props(queue)).toMatchObject({ KmsMasterKeyId: keyArn, MessageRetentionPeriod: 14 * 24 * 3600 });
      const policy = Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::SQS::QueuePolicy' &&
          JSON.stringify(r.Properties.Queues) === JSON.stringify([ref(s.logicalId(queue))]),
      );
      expect((policy!.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: getAtt(s.logicalId(queue)),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  it('should retain each function log for a month', () => {
    for (const fn of s.stack.functions.all) {
      expect(props(fn.logGroup)).toEqual({ RetentionInDays: 30 });
    }
  });

  it('should alarm on errors of every function and on every dead-letter queue', () => {
    for (const fn of s.stack.functions.all) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(s.logicalId(fn.function)) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
    }
    for (const queue of [
      ...s.stack.functions.all.map((f) => f.deadLetterQueue),
      s.stack.events.deadLetterQueue,
    ]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(s.logicalId(queue), 'QueueName') }],
        Statistic: 'Maximum',
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('should alarm on our EMF sync failures and p99 rotation latency under the dimension Powertools emits', () => {
    const emf = (metricName: string, stat: string) => ({
      MetricStat: {
        Metric: {
          Namespace: 'FleetSecrets',
          MetricName: metricName,
          Dimensions: [{ Name: 'service', Value: 'fleet-secrets-reconcile-cluster' }],
        },
        Period: 300,
        Stat: stat,
      },
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike(emf(METRIC.syncFailures, 'Sum'))],
      Threshold: 1,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike(emf(METRIC.rotationLatencyMs, 'p99'))],
      Threshold: 2000,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Without a topic the alarms have no actions; with one, see the props tests below.
    for (const alarm of s.stack.observability.alarms) expect(props(alarm)?.AlarmActions).toBeUndefined();
  });

  it('should chart fleet sync health: our three EMF metrics, every function and every dead-letter queue', () => {
    const body = JSON.stringify(props(s.stack.observability.dashboard)?.DashboardBody);
    for (const metric of Object.values(METRIC)) expect(body).toContain(`\\"FleetSecrets\\",\\"${metric}\\"`);
    for (const fn of s.stack.functions.all) expect(body).toContain(s.logicalId(fn.function));
    for (const fn of s.stack.functions.all) expect(body).toContain(s.logicalId(fn.deadLetterQueue));
  });

  it('should output what the CLI and the watcher need', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const name of FUNCTION_NAMES) {
      const id = s.logicalId(fnOf(name).function);
      expect(outputs[`${FUNCTION_OUTPUT_PREFIX[name]}Name`]?.Value).toEqual(ref(id));
      expect(outputs[`${FUNCTION_OUTPUT_PREFIX[name]}Arn`]?.Value).toEqual(getAtt(id));
    }
    for (const name of ['ingest', 'reconcile-cluster', 'api'] as const) {
      const roleId = s.logicalId(fnOf(name).role);
      expect(outputs[`${FUNCTION_OUTPUT_PREFIX[name]}RoleArn`]?.Value).toEqual(getAtt(roleId));
    }
    expect(outputs.WatcherRoleArn?.Value).toEqual(getAtt(s.logicalId(s.stack.watcher.role)));
    expect(outputs.StateTableName?.Value).toEqual(ref(s.logicalId(s.stack.state.table)));
    expect(outputs.DashboardName?.Value).toEqual(ref(s.logicalId(s.stack.observability.dashboard)));
    expect(Object.keys(outputs).filter((k) => !k.startsWith('CDK'))).toHaveLength(16);
  });
});

describe('the stack with props set', () => {
  it(
    'should place only the functions that talk to clusters in the VPC, with ENI permissions',
    () => {
      const s = synthesize({
        vpcPlacementIds: {
          vpcId: 'vpc-0123456789abcdef0',
          subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      });
      const resources = s.template.toJSON().Resources;
      for (const name of FUNCTION_NAMES) {
        const vpcConfig =
          resources[s.logicalId(s.stack.functions.byName[name].function)].Properties.VpcConfig;
        if (name === 'rotation' || name === 'sweep') {
          expect(vpcConfig, name).toBeUndefined();
        } else {
          expect(vpcConfig, name).toEqual({
            SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
            SecurityGroupIds: ['sg-0123456789abcdef0'],
          });
        }
      }
      expect(s.template.findResources('AWS::EC2::SecurityGroup')).toEqual({});
      const sidsOf = (name: FunctionName) =>
        Object.values(s.template.findResources('AWS::IAM::Policy'))
          .filter((p) =>
            JSON.stringify(p.Properties.Roles).includes(s.logicalId(s.stack.functions.byName[name].role)),
          )
          .flatMap((p) =>
            (p.Properties.PolicyDocument.Statement as Array<{ Sid?: string }>).map((st) => st.Sid),
          );
      for (const name of FUNCTION_NAMES) {
        const inVpc = name !== 'rotation' && name !== 'sweep';
        expect(sidsOf(name).includes('ManageVpcNetworkInterfaces'), name).toBe(inVpc);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should create an egress-only security group per VPC function when none is given',
    () => {
      const s = synthesize({
        vpcPlacementIds: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] },
      });
      const groups = Object.values(s.template.findResources('AWS::EC2::SecurityGroup'));
      expect(groups).toHaveLength(3);
      for (const g of groups) {
        expect(g.Properties.VpcId).toBe('vpc-0123456789abcdef0');
        expect(g.Properties.SecurityGroupIngress).toBeUndefined();
        expect(g.Properties.SecurityGroupEgress).toEqual([
          { CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' },
        ]);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should notify the alarm topic, and use the given retention, removal policy, latency threshold and minimum refresh interval',
    () => {
      const topic = 'arn:aws:sns:eu-west-1:123456789012:fleet-secrets-alarms';
      const s = synthesize({
        alarmTopicArn: topic,
        logRetention: 90,
        removalPolicy: RemovalPolicy.DESTROY,
        rotationLatencyThresholdMs: 800,
        minRefreshInterval: '5m',
      });
      const resources = s.template.toJSON().Resources;
      for (const name of ['ingest', 'api', 'reconcile-cluster'] as const) {
        const fn = s.stack.functions.byName[name].function;
        expect(resources[s.logicalId(fn)].Properties.Environment.Variables[ENV.minRefreshIntervalMs]).toBe(
          '300000',
        );
      }
      for (const alarm of s.stack.observability.alarms) {
        expect(resources[s.logicalId(alarm)].Properties.AlarmActions).toEqual([topic]);
      }
      for (const fn of s.stack.functions.all) {
        expect(resources[s.logicalId(fn.logGroup)].Properties.RetentionInDays).toBe(90);
      }
      expect(resources[s.logicalId(s.stack.state.table)].DeletionPolicy).toBe('Delete');
      // Deletion protection still stands between `cdk destroy` and the data.
      expect(resources[s.logicalId(s.stack.state.table)].Properties.DeletionProtectionEnabled).toBe(true);
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Stat: 'p99' }) })],
        Threshold: 800,
      });
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'should trust a custom watcher ServiceAccount, and only IRSA when Pod Identity is off',
    () => {
      const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';
      const s = synthesize({
        watcher: {
          namespace: 'platform',
          serviceAccount: 'secrets-watcher',
          podIdentity: false,
          oidcProviders: [{ providerArn: `arn:aws:iam::123456789012:oidc-provider/${issuer}`, issuer }],
        },
      });
      const role = s.template.toJSON().Resources[s.logicalId(s.stack.watcher.role)];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Sid: 'Irsa0',
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: 'system:serviceaccount:platform:secrets-watcher',
              [`${issuer}:aud`]: 'sts.amazonaws.com',
            },
          },
        }),
      ]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it.each([
    [{ secretNamePrefixes: ['prod/*'] }, 'secretNamePrefixes[0]'],
    [{ secretNamePrefixes: [] }, 'secretNamePrefixes'],
    // The control plane's own secrets live apart from every store (reserved-keys.ts).
    [{ secretNamePrefixes: ['team-a/', 'fleet-secrets-internal/'] }, 'secretNamePrefixes[1]'],
    [{ secretNamePrefixes: ['fleet-secrets-internal/clusters/x/'] }, 'secretNamePrefixes[0]'],
    [{ secretNamePrefixes: ['fleet-'] }, 'secretNamePrefixes[0]'],
    [
      { secretNamePrefixes: ['prod/'], clusterCredentialSecretPrefix: 'prod/clusters/' },
      'secretNamePrefixes[0]',
    ],
    [{ storeRoleArns: ['role/x'] }, 'storeRoleArns[0]'],
    [{ clusterRoleArns: ['arn:aws:iam::123456789012:user/bob'] }, 'clusterRoleArns[0]'],
    [{ secretKmsKeyArns: ['alias/aws/secretsmanager'] }, 'secretKmsKeyArns[0]'],
    [{ eksClusterArns: ['prod-eu-1'] }, 'eksClusterArns[0]'],
    [{ secretRegions: ['Europe'] }, 'secretRegions[0]'],
    [{ sweepSchedule: 'every minute' }, 'sweepSchedule'],
    [{ rotationLatencyThresholdMs: 0 }, 'rotationLatencyThresholdMs'],
    [{ minRefreshInterval: '1ns' }, 'minRefreshInterval'],
    [{ minRefreshInterval: 'soon' }, 'minRefreshInterval'],
    [{ watcher: { namespace: 'Not_A_Namespace' } }, 'watcher.namespace'],
    [{ watcher: { podIdentity: false } }, 'watcher'],
    [
      {
        watcher: {
          oidcProviders: [
            { providerArn: 'arn:aws:iam::123456789012:oidc-provider/a/b', issuer: 'https://a/b' },
          ],
        },
      },
      'watcher.oidcProviders[0].issuer',
    ],
    [{ vpcPlacementIds: { vpcId: 'vpc-0123456789abcdef0', subnetIds: [] } }, 'vpcPlacementIds.subnetIds'],
    [{ alarmTopicArn: 'ops-alarms' }, 'alarmTopicArn'],
  ])(
    'should refuse %j naming the prop',
    (bad, prop) => {
      let error: unknown;
      try {
        synthesize(bad as Parameters<typeof synthesize>[0]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidStackPropsError);
      expect((error as InvalidStackPropsError).prop).toBe(prop);
    },
    SYNTH_TIMEOUT_MS,
  );
});
