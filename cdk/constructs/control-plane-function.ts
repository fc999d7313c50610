import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type FunctionName,
  METRICS_NAMESPACE,
  serviceNameOf,
} from '../../shared/contracts/runtime-contract.js';
import { bundlePathOf } from '../bundles.js';
import { acknowledgeNagFinding, wildcardResourceFindings } from '../nag.js';
import type { VpcPlacementProps } from '../props.js';

/** How one function is sized and retried; chosen per function in control-plane-functions.ts. */
export interface FunctionSizing {
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Lambda's own retries of a failed asynchronous invocation (0-2). */
  retryAttempts: number;
  /** An event older than this is sent to the dead-letter queue instead of being retried. */
  maxEventAge: Duration;
}

export interface ControlPlaneFunctionProps extends FunctionSizing {
  name: FunctionName;
  /** A fixed physical name; by default CloudFormation generates one. */
  functionName?: string;
  bundleDir: string;
  runtime: lambda.Runtime;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  key: kms.IKey;
  environment: Record<string, string>;
  vpcPlacement?: VpcPlacementProps;
}

/**
 * The on-failure destination without CDK's automatic grant: that grant adds kms:ReEncrypt* and
 * kms:GenerateDataKey* wildcards, while function-permissions.ts grants the two exact actions.
 */
function sqsDestinationWithoutGrant(queue: sqs.IQueue): lambda.IDestination {
  return { bind: () => ({ destination: queue.queueArn }) };
}

/**
 * One control-plane function: the bundle `npm run build` made, its role (permissions are added by
 * function-permissions.ts, nothing else), its log group, and the encrypted queue that keeps every
 * asynchronous invocation Lambda gave up on.
 */
export class ControlPlaneFunction extends Construct {
  readonly name: FunctionName;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ControlPlaneFunctionProps) {
    super(scope, id);
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `fleet-secrets ${props.name} function`,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      // A data key is reused for 5 minutes (the default) rather than asked of KMS per message.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      // The longest SQS allows: a failed rotation over a weekend is still there on Monday.
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNagFinding(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue: it is the on-failure destination of the function ' +
        "next to it (Lambda's asynchronous invocation config, which cdk-nag does not follow).",
    );

    const vpc = props.vpcPlacement;
    const securityGroups =
      vpc &&
      (vpc.securityGroups ?? [
        new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: vpc.vpc,
          description: `fleet-secrets ${props.name}: egress to cluster API servers and AWS APIs`,
          allowAllOutbound: true,
        }),
      ]);

    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      runtime: props.runtime,
      // Graviton: about 20% cheaper per GB-second and no slower for I/O-bound Node code; the
      // bundles are plain JavaScript with no native modules, so the architecture is free to pick.
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundlePathOf(props.bundleDir, props.name)),
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceNameOf(props.name),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Events and responses may carry manifests and cluster names; never log or trace them whole.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      },
      onFailure: sqsDestinationWithoutGrant(this.deadLetterQueue),
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      ...(vpc && { vpc: vpc.vpc, vpcSubnets: vpc.subnets, securityGroups }),
    });

    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendFailedInvocations',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
    acknowledgeNagFinding(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray has no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords ' +
        'only accept Resource "*" (added by Tracing.ACTIVE for the Powertools tracer).',
    );
    if (vpc) {
      this.allow(
        new iam.PolicyStatement({
          sid: 'ManageVpcNetworkInterfaces',
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
        'In a VPC, Lambda creates and deletes the function network interfaces with this role; EC2 ' +
          'scopes neither the Describe calls nor interfaces that do not exist yet, so they take "*".',
      );
    }
  }

  /**
   * Adds a statement to this function's role (and only this function's). A statement with a
   * wildcard resource must say why; the reason becomes its cdk-nag acknowledgment.
   */
  allow(statement: iam.PolicyStatement, wildcardReason?: string): void {
    const findings = wildcardResourceFindings(this, statement);
    for (const finding of findings) {
      acknowledgeNagFinding(this.role, finding, wildcardReason ?? '');
    }
    this.role.addToPrincipalPolicy(statement);
  }
}
