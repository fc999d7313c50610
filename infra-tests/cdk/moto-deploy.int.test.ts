import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SIZING } from '../../cdk/constructs/control-plane-functions.js';
import { DEFAULT_SWEEP_SCHEDULE, ROTATION_EVENT_PATTERNS } from '../../cdk/event-patterns.js';
import { FleetSecretsStack } from '../../cdk/fleet-secrets-stack.js';
import { STATE_TABLE_DESIGN } from '../../shared/adapters/dynamodb/table-design.js';
import { ENV, FUNCTION_NAMES } from '../../shared/contracts/runtime-contract.js';
import { loadPeers } from '../helpers/peers.js';
import {
  type CloudAssemblyAssets,
  forMoto,
  jsonCall,
  MOTO_UNSUPPORTED_TYPES,
  type MotoTarget,
  query,
  uploadAssets,
  xmlValues,
} from './moto-cloudformation.js';
import { makeThrowawayBundles } from './synth.js';

const ACCOUNT = '123456789012';
const CFN_VERSION = '2010-05-15';

interface DeployedResource {
  logicalId: string;
  physicalId: string;
  type: string;
  status: string;
}

describe('the synthesized template deployed to moto CloudFormation', () => {
  let moto: MotoTarget;
  let stack: FleetSecretsStack;
  let template: { Resources: Record<string, { Type: string }> };
  let dropped: Record<string, string>;
  let deployed: DeployedResource[];
  let stackStatus: string;
  const physicalIdOf = (logicalId: string) =>
    deployed.find((r) => r.logicalId === logicalId)?.physicalId ?? '';
  const clientConfig = () => ({
    endpoint: moto.url,
    region: moto.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  beforeAll(async () => {
    moto = loadPeers().moto;
    const suffix = randomBytes(4).toString('hex');
    const outdir = mkdtempSync(join(tmpdir(), 'fleet-secrets-moto-'));
    const app = new App({ outdir });
    const name = `FleetSecretsMoto${suffix}`;
    stack = new FleetSecretsStack(app, name, {
      env: { account: ACCOUNT, region: moto.region },
      bundleDir: makeThrowawayBundles(),
      // No bootstrap stack in moto: assets go to a bucket this test creates.
      synthesizer: new DefaultStackSynthesizer({
        generateBootstrapVersionRule: false,
        fileAssetsBucketName: `fleet-secrets-assets-${suffix}`,
      }),
    });
    const assembly = app.synth();
    const artifact = assembly.getStackByName(name);
    template = artifact.template;
    const assets = JSON.parse(
      readFileSync(join(outdir, `${artifact.id}.assets.json`), 'utf8'),
    ) as CloudAssemblyAssets;
    await uploadAssets(moto, outdir, assets);

    const forDeploy = forMoto(template, `arn:aws:secretsmanager:${moto.region}:${ACCOUNT}:secret:`);
    dropped = forDeploy.dropped;
    await query(moto, 'cloudformation', CFN_VERSION, {
      Action: 'CreateStack',
      StackName: name,
      TemplateBody: JSON.stringify(forDeploy.template),
      'Capabilities.member.1': 'CAPABILITY_IAM',
      'Capabilities.member.2': 'CAPABILITY_NAMED_IAM',
    });
    const described = await query(moto, 'cloudformation', CFN_VERSION, {
      Action: 'DescribeStacks',
      StackName: name,
    });
    stackStatus = xmlValues(described, 'StackStatus')[0] ?? '';
    const listed = await query(moto, 'cloudformation', CFN_VERSION, {
      Action: 'ListStackResources',
      StackName: name,
    });
    deployed = [...listed.matchAll(/<member>([\s\S]*?)<\/member>/g)].map(([, m]) => ({
      logicalId: xmlValues(m ?? '', 'LogicalResourceId')[0] ?? '',
      physicalId: xmlValues(m ?? '', 'PhysicalResourceId')[0] ?? '',
      type: xmlValues(m ?? '', 'ResourceType')[0] ?? '',
      status: xmlValues(m ?? '', 'ResourceStatus')[0] ?? '',
    }));
  }, 180_000);

  it('should leave out only the resource types moto cannot create', () => {
    expect(new Set(Object.values(dropped))).toEqual(MOTO_UNSUPPORTED_TYPES);
  });

  it('should create the stack and every other resource of the template', () => {
    expect(stackStatus).toBe('CREATE_COMPLETE');
    const expected = Object.entries(template.Resources)
      .filter(([id]) => !(id in dropped))
      .map(([id, r]) => ({ logicalId: id, type: r.Type }))
      .sort((a, b) => a.logicalId.localeCompare(b.logicalId));
    expect(
      deployed
        .map(({ logicalId, type }) => ({ logicalId, type }))
        .sort((a, b) => a.logicalId.localeCompare(b.logicalId)),
    ).toEqual(expected);
    for (const r of deployed) expect(r.status, r.logicalId).toBe('CREATE_COMPLETE');
  });

  it('should create the state table with the shared design', async () => {
    const tableName = physicalIdOf(stack.getLogicalId(stack.state.table.node.defaultChild as never));
    const { Table } = await new DynamoDBClient(clientConfig()).send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    expect(Table?.KeySchema).toEqual([
      { AttributeName: STATE_TABLE_DESIGN.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: STATE_TABLE_DESIGN.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([
      STATE_TABLE_DESIGN.dueIndex.indexName,
    ]);
  });

  it('should create the five functions with their runtime, handler, memory, timeout and environment', async () => {
    const lambda = new LambdaClient(clientConfig());
    const tableName = physicalIdOf(stack.getLogicalId(stack.state.table.node.defaultChild as never));
    // moto's CloudFormation drops Architectures (every function reads x86_64); arm64 is asserted
    // on the template in stack.test.ts.
    for (const name of FUNCTION_NAMES) {
      const fn = stack.functions.byName[name].function;
      const config = await lambda.send(
        new GetFunctionConfigurationCommand({
          FunctionName: physicalIdOf(stack.getLogicalId(fn.node.defaultChild as never)),
        }),
      );
      expect(config.Runtime, name).toBe('nodejs24.x');
      expect(config.Handler, name).toBe('index.handler');
      expect(config.MemorySize, name).toBe(FUNCTION_SIZING[name].memorySize);
      expect(config.Timeout, name).toBe(FUNCTION_SIZING[name].timeout.toSeconds());
      expect(config.Environment?.Variables?.[ENV.tableName], name).toBe(tableName);
    }
  });

  it('should create the three rotation rules with the module patterns and the sweep schedule', async () => {
    for (const [key, pattern] of Object.entries(ROTATION_EVENT_PATTERNS)) {
      const rule = stack.events.rotationRules[key as keyof typeof ROTATION_EVENT_PATTERNS];
      const described = await jsonCall(moto, 'events', 'AWSEvents.DescribeRule', {
        Name: physicalIdOf(stack.getLogicalId(rule.node.defaultChild as never)),
      });
      expect(JSON.parse(String(described.EventPattern)), key).toEqual(pattern);
      expect(described.State).toBe('ENABLED');
    }
    const sweep = await jsonCall(moto, 'events', 'AWSEvents.DescribeRule', {
      Name: physicalIdOf(stack.getLogicalId(stack.events.sweepRule.node.defaultChild as never)),
    });
    expect(sweep.ScheduleExpression).toBe(DEFAULT_SWEEP_SCHEDULE);
  });

  it('should create the watcher role trusting EKS Pod Identity, allowed to invoke ingest only', async () => {
    const roleName = physicalIdOf(stack.getLogicalId(stack.watcher.role.node.defaultChild as never));
    const role = await query(moto, 'iam', '2010-05-08', { Action: 'GetRole', RoleName: roleName });
    const trust = JSON.parse(decodeURIComponent(xmlValues(role, 'AssumeRolePolicyDocument')[0] ?? '{}'));
    expect(trust.Statement.map((s: { Principal: unknown }) => s.Principal)).toEqual([
      { Service: 'pods.eks.amazonaws.com' },
    ]);
    const policies = await query(moto, 'iam', '2010-05-08', {
      Action: 'ListRolePolicies',
      RoleName: roleName,
    });
    const [policyName] = xmlValues(policies, 'member');
    const policy = await query(moto, 'iam', '2010-05-08', {
      Action: 'GetRolePolicy',
      RoleName: roleName,
      PolicyName: policyName ?? '',
    });
    const document = JSON.parse(decodeURIComponent(xmlValues(policy, 'PolicyDocument')[0] ?? '{}'));
    const ingestArn = `arn:aws:lambda:${moto.region}:${ACCOUNT}:function:${physicalIdOf(
      stack.getLogicalId(stack.functions.byName.ingest.function.node.defaultChild as never),
    )}`;
    expect(document.Statement).toEqual([
      { Sid: 'InvokeIngest', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ingestArn },
    ]);
  });
});
