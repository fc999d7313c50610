import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, serviceNameOf } from '../../shared/contracts/runtime-contract.js';
import type { ControlPlaneFunction } from './control-plane-function.js';

export interface FleetObservabilityProps {
  functions: ControlPlaneFunction[];
  /** Dead-letter queues besides the functions' own (the EventBridge rules'). */
  extraDeadLetterQueues: Array<{ label: string; queue: sqs.IQueue }>;
  rotationLatencyThresholdMs: number;
  alarmTopic?: sns.ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

/** One of our EMF metrics, under the dimension set Powertools emits it with. */
function fleetMetric(metricName: string, statistic: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: serviceNameOf('reconcile-cluster') },
    statistic,
    period: FIVE_MINUTES,
    label,
  });
}

/**
 * Alarms on what an operator must act on (a function failing, work parked in a dead-letter
 * queue, objects not syncing, rotations reaching clusters late) and one dashboard of fleet sync
 * health. Thresholds favour a page that means something over an early one.
 */
export class FleetObservability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FleetObservabilityProps) {
    super(scope, id);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      if (props.alarmTopic) created.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      this.alarms.push(created);
      return created;
    };

    for (const fn of props.functions) {
      const idPart = fn.node.id;
      alarm(`${idPart}Errors`, {
        alarmDescription: `fleet-secrets ${fn.name}: invocations failing in 2 of the last 3 five-minute periods`,
        metric: fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const deadLetterQueues = [
      ...props.functions.map((fn) => ({ label: fn.name, idPart: fn.node.id, queue: fn.deadLetterQueue })),
      ...props.extraDeadLetterQueues.map((q) => ({ ...q, idPart: q.label.replace(/[^A-Za-z0-9]/g, '') })),
    ];
    for (const dlq of deadLetterQueues) {
      // Any message is work the control plane gave up on: alarm on the first one.
      alarm(`${dlq.idPart}DeadLetters`, {
        alarmDescription: `fleet-secrets ${dlq.label}: messages waiting in the dead-letter queue`,
        metric: dlq.queue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const syncFailures = fleetMetric(METRIC.syncFailures, 'Sum', 'sync failures');
    const objectsSynced = fleetMetric(METRIC.objectsSynced, 'Sum', 'objects synced');
    const latencyP50 = fleetMetric(METRIC.rotationLatencyMs, 'p50', 'rotation latency p50');
    const latencyP99 = fleetMetric(METRIC.rotationLatencyMs, 'p99', 'rotation latency p99');

    // A single failed pass is often a cluster restarting; 15 minutes of failures is not.
    alarm('SyncFailures', {
      alarmDescription: 'fleet-secrets: objects failing to sync for 15 minutes (see status per cluster)',
      metric: syncFailures,
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('RotationLatency', {
      alarmDescription: `fleet-secrets: p99 of secret change -> Secret written above ${props.rotationLatencyThresholdMs} ms for 15 minutes`,
      metric: latencyP99,
      threshold: props.rotationLatencyThresholdMs,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const perFunction = (
      title: string,
      metric: (fn: ControlPlaneFunction) => cloudwatch.IMetric,
    ): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, width: 8, left: props.functions.map(metric) });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown:
              '# fleet-secrets: fleet sync health\nRotation latency is measured from the secret change ' +
              '(event time) to the target Secret written in the cluster.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Objects synced / failed',
            width: 8,
            left: [objectsSynced],
            right: [syncFailures],
          }),
          new cloudwatch.GraphWidget({
            title: 'Rotation latency (ms)',
            width: 8,
            left: [latencyP50, latencyP99],
            leftAnnotations: [{ value: props.rotationLatencyThresholdMs, label: 'alarm threshold' }],
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            width: 8,
            left: deadLetterQueues.map((d) =>
              d.queue.metricApproximateNumberOfMessagesVisible({
                period: FIVE_MINUTES,
                statistic: 'Maximum',
                label: d.label,
              }),
            ),
          }),
        ],
        [
          perFunction('Invocations', (fn) =>
            fn.function.metricInvocations({ period: FIVE_MINUTES, label: fn.name }),
          ),
          perFunction('Errors', (fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: fn.name })),
          perFunction('Throttles', (fn) =>
            fn.function.metricThrottles({ period: FIVE_MINUTES, label: fn.name }),
          ),
        ],
        [
          perFunction('Duration p99 (ms)', (fn) =>
            fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.name }),
          ),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 16, alarms: this.alarms }),
        ],
      ],
    });
  }
}
