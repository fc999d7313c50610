import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type EventPattern, ROTATION_EVENT_PATTERNS, type RotationRuleKey } from '../event-patterns.js';
import { acknowledgeNagFinding } from '../nag.js';

export interface EventWiringProps {
  rotationFunction: lambda.IFunction;
  sweepFunction: lambda.IFunction;
  sweepSchedule: string;
  key: kms.IKey;
}

/** EventBridge's JSON pattern in CDK's shape (only `detail-type` is spelled differently). */
export function toCdkEventPattern(pattern: EventPattern): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern as Record<string, unknown>;
  return { ...rest, ...(detailType ? { detailType } : {}) } as events.EventPattern;
}

const RULE_IDS: Record<RotationRuleKey, string> = {
  secretLabelUpdated: 'SecretLabelUpdatedRule',
  secretsManagerApiCall: 'SecretsManagerApiCallRule',
  rotationSucceeded: 'RotationSucceededRule',
};

/**
 * The rules of the default event bus that start the rotation path (patterns from
 * cdk/event-patterns.ts) and the sweep's schedule, with a dead-letter queue for events EventBridge
 * could not hand to Lambda (throttled, or the function missing during a deploy).
 */
export class EventWiring extends Construct {
  readonly rotationRules: Record<RotationRuleKey, events.Rule>;
  readonly sweepRule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventWiringProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'UndeliveredEvents', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNagFinding(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the EventBridge rule targets below (their ' +
        'DeadLetterConfig), which cdk-nag does not follow.',
    );

    // Once Lambda has queued an event, its own retries and on-failure queue take over; these
    // retries only cover EventBridge failing to hand the event over at all.
    const rotationTarget = new targets.LambdaFunction(props.rotationFunction, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 10,
      maxEventAge: Duration.hours(1),
    });
    this.rotationRules = Object.fromEntries(
      (Object.keys(ROTATION_EVENT_PATTERNS) as RotationRuleKey[]).map((key) => [
        key,
        new events.Rule(this, RULE_IDS[key], {
          description: `fleet-secrets: ${key} -> rotation function`,
          eventPattern: toCdkEventPattern(ROTATION_EVENT_PATTERNS[key]),
          targets: [rotationTarget],
        }),
      ]),
    ) as Record<RotationRuleKey, events.Rule>;

    this.sweepRule = new events.Rule(this, 'SweepSchedule', {
      description: 'fleet-secrets: sweep schedule -> sweep function',
      schedule: events.Schedule.expression(props.sweepSchedule),
      targets: [
        new targets.LambdaFunction(props.sweepFunction, {
          deadLetterQueue: this.deadLetterQueue,
          // A late sweep is superseded by the next tick.
          retryAttempts: 2,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}
