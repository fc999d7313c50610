import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FunctionName } from '../shared/contracts/runtime-contract.js';
import { ControlPlaneFunctions, TALKS_TO_CLUSTERS } from './constructs/control-plane-functions.js';
import { EventWiring } from './constructs/event-wiring.js';
import { FleetObservability } from './constructs/fleet-observability.js';
import { StateTable } from './constructs/state-table.js';
import { WatcherAccess } from './constructs/watcher-access.js';
import { type FleetSecretsProps, resolveProps } from './props.js';

export interface FleetSecretsStackProps extends StackProps, FleetSecretsProps {}

/** Output names per function: what the CLI and the watcher manifests read from the stack. */
export const FUNCTION_OUTPUT_PREFIX: Record<FunctionName, string> = {
  rotation: 'RotationFunction',
  sweep: 'SweepFunction',
  ingest: 'IngestFunction',
  'reconcile-cluster': 'ReconcileClusterFunction',
  api: 'ApiFunction',
};

/**
 * The whole control plane of ../shared/DESIGN.md as one stack. It only composes the constructs,
 * one per concern; their props come from resolveProps (defaults and checks in cdk/props.ts).
 */
export class FleetSecretsStack extends Stack {
  readonly state: StateTable;
  readonly functions: ControlPlaneFunctions;
  readonly events: EventWiring;
  readonly watcher: WatcherAccess;
  readonly observability: FleetObservability;

  constructor(scope: Construct, id: string, stackProps: FleetSecretsStackProps = {}) {
    super(scope, id, {
      description:
        'fleet-secrets control plane: syncs Secrets Manager/Vault secrets into a fleet of Kubernetes clusters',
      ...stackProps,
    });
    const props = resolveProps(this, stackProps);

    this.state = new StateTable(this, 'State', { removalPolicy: props.removalPolicy });
    this.functions = new ControlPlaneFunctions(this, 'Functions', { props, state: this.state });
    const fns = this.functions.byName;
    this.events = new EventWiring(this, 'Events', {
      rotationFunction: fns.rotation.function,
      sweepFunction: fns.sweep.function,
      sweepSchedule: props.sweepSchedule,
      key: this.state.key,
    });
    this.watcher = new WatcherAccess(this, 'Watcher', {
      watcher: props.watcher,
      ingestFunction: fns.ingest.function,
    });
    this.observability = new FleetObservability(this, 'Observability', {
      functions: this.functions.all,
      extraDeadLetterQueues: [{ label: 'event-rules', queue: this.events.deadLetterQueue }],
      rotationLatencyThresholdMs: props.rotationLatencyThresholdMs,
      alarmTopic: props.alarmTopic,
    });

    for (const fn of this.functions.all) {
      const prefix = FUNCTION_OUTPUT_PREFIX[fn.name];
      new CfnOutput(this, `${prefix}Name`, {
        value: fn.function.functionName,
        description: `${fn.name} function name`,
      });
      new CfnOutput(this, `${prefix}Arn`, {
        value: fn.function.functionArn,
        description: `${fn.name} function ARN`,
      });
      if (TALKS_TO_CLUSTERS.has(fn.name)) {
        // Clusters grant these roles access (EKS access entries or RBAC bindings for the role).
        new CfnOutput(this, `${prefix}RoleArn`, {
          value: fn.role.roleArn,
          description: `IAM role the ${fn.name} function reaches clusters with`,
        });
      }
    }
    new CfnOutput(this, 'WatcherRoleArn', {
      value: this.watcher.role.roleArn,
      description: 'IAM role of the in-cluster watcher (Pod Identity association or IRSA annotation)',
    });
    new CfnOutput(this, 'StateTableName', {
      value: this.state.table.tableName,
      description: 'DynamoDB state table',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.observability.dashboard.dashboardName,
      description: 'CloudWatch dashboard of fleet sync health',
    });
  }
}
