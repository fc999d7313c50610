import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { type KeyAttribute, STATE_TABLE_DESIGN } from '../../shared/adapters/dynamodb/table-design.js';
import { acknowledgeNagFinding } from '../nag.js';

export interface StateTableProps {
  removalPolicy: RemovalPolicy;
}

function attribute(a: KeyAttribute): dynamodb.Attribute {
  return {
    name: a.name,
    type: a.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
  };
}

/**
 * The control plane's state: one DynamoDB table laid out by shared/adapters/dynamodb/table-design.ts
 * (the adapter reads the same module), the customer-managed key that encrypts it and every queue,
 * and the key of the rendered-data HMAC.
 */
export class StateTable extends Construct {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly hmacKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, { removalPolicy }: StateTableProps) {
    super(scope, id);
    const d = STATE_TABLE_DESIGN;
    const { account, partition } = Stack.of(this);

    // A customer-managed key (not the AWS-owned default) so that key use shows in CloudTrail,
    // access can be revoked in one place, and the state can be crypto-shredded by deleting it.
    this.key = new kms.Key(this, 'Key', {
      description: 'fleet-secrets control plane: state table, dead-letter queues, HMAC key secret',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // EventBridge writes undeliverable events to the rules' dead-letter queue as itself, not as a
    // role of ours, so only the key policy can let it encrypt them.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToEncryptRuleDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:events:${Stack.of(this).region}:${account}:rule/*` },
        },
      }),
    );

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(d.partitionKey),
      sortKey: attribute(d.sortKey),
      // Load follows rotations and fleet size, bursts and then idles: on-demand never throttles a
      // burst on a provisioned ceiling and costs nothing while idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      timeToLiveAttribute: d.timeToLiveAttribute,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: d.dueIndex.indexName,
      partitionKey: attribute(d.dueIndex.partitionKey),
      sortKey: attribute(d.dueIndex.sortKey),
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...d.dueIndex.nonKeyAttributes],
    });

    // The status HMAC must be keyed (a plain hash of a low-entropy value is guessable offline), and
    // the key must never sit in an environment variable or in DynamoDB next to the HMACs.
    this.hmacKeySecret = new secretsmanager.Secret(this, 'HmacKey', {
      description: 'fleet-secrets: key of the HMAC recorded for rendered Secret data (never the data itself)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    acknowledgeNagFinding(
      this.hmacKeySecret,
      'AwsSolutions-SMG4',
      'The HMAC key only detects whether rendered data changed; it protects no system and is never sent ' +
        'anywhere. Rotating it would make every stored HMAC mismatch and rewrite every Secret in the fleet ' +
        'once, so it is rotated deliberately (docs/deploy.md), not on a timer.',
    );
  }

  /** The table and its indexes, for IAM statements. */
  get tableAndIndexArns(): string[] {
    return [this.table.tableArn, `${this.table.tableArn}/index/*`];
  }
}
