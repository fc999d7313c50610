import { createHash } from 'node:crypto';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { STATE_TABLE_DESIGN } from '../../shared/adapters/dynamodb/table-design.js';
import { ENV, type FunctionName } from '../../shared/contracts/runtime-contract.js';
import type { ResolvedProps } from '../props.js';
import { ControlPlaneFunction, type FunctionSizing } from './control-plane-function.js';
import { permissionsOf } from './function-permissions.js';
import type { StateTable } from './state-table.js';
import { StoreReaderRole } from './store-reader-role.js';

/**
 * Memory, timeout and retry per function. Lambda gives CPU in proportion to memory (a full vCPU
 * at 1769 MB), and these functions spend their time in TLS handshakes, JSON and waiting on APIs,
 * so memory buys cold-start and parse speed, not room for data.
 */
export const FUNCTION_SIZING: Record<FunctionName, FunctionSizing> = {
  rotation: {
    description: 'fleet-secrets: Secrets Manager change -> one scoped reconcile per dependent cluster',
    // One index Query and a few async invokes: 512 MB keeps the cold start of the SDK bundle short.
    memorySize: 512,
    // Seconds of work at most; 30 s still covers a reverse index with thousands of dependents.
    timeout: Duration.seconds(30),
    retryAttempts: 2,
    // A change not fanned out within 15 minutes is found by the sweep's refresh anyway; older
    // retries would only duplicate that work.
    maxEventAge: Duration.minutes(15),
  },
  sweep: {
    description: 'fleet-secrets: every minute, fan out reconciles for due objects and drift checks',
    memorySize: 512,
    // Well under the schedule's minute, so two sweeps never overlap.
    timeout: Duration.seconds(50),
    // The next tick does the same work with fresher data: one retry, and nothing older than 2 minutes.
    retryAttempts: 1,
    maxEventAge: Duration.minutes(2),
  },
  ingest: {
    description: 'fleet-secrets: watcher change notices -> re-read, validate, snapshot, scoped reconcile',
    // Re-reads objects over TLS from the cluster and validates them against the schema.
    memorySize: 1024,
    // A batch of up to 500 notices, each one GET from the API server.
    timeout: Duration.seconds(60),
    retryAttempts: 2,
    // The watcher's periodic relist repairs anything older.
    maxEventAge: Duration.hours(1),
  },
  'reconcile-cluster': {
    description:
      'fleet-secrets: reconcile one cluster (read providers, render, diff, server-side apply, status)',
    // The heaviest: a metadata LIST of the cluster's Secrets, batched provider reads, rendering and
    // HMACs for every object of one cluster. 1769 MB would be a full vCPU; 1024 MB keeps a 1,000
    // object cluster within seconds (see bench/) at a little over half the price.
    memorySize: 1024,
    // Large clusters with slow API servers; also the upper bound a per-cluster lease must outlive.
    timeout: Duration.minutes(5),
    retryAttempts: 2,
    maxEventAge: Duration.hours(1),
  },
  api: {
    description: 'fleet-secrets: CLI requests (register clusters and stores, apply, force-sync, status)',
    // Registration talks to a cluster (reachability, SelfSubjectRulesReview) while a person waits.
    memorySize: 1024,
    timeout: Duration.seconds(30),
    // The CLI invokes synchronously and sees errors itself; an async caller gets no silent retries.
    retryAttempts: 0,
    maxEventAge: Duration.minutes(5),
  },
};

const LAMBDA_NAME_MAX = 64;
const RECONCILE_SUFFIX = '-reconcile-cluster';

/**
 * `<stack>-reconcile-cluster`, within Lambda's 64 characters: a long stack name is cut and a hash
 * of the whole name keeps two such stacks apart.
 */
export function reconcileFunctionNameFor(stackName: string): string {
  const room = LAMBDA_NAME_MAX - RECONCILE_SUFFIX.length;
  if (stackName.length <= room) return `${stackName}${RECONCILE_SUFFIX}`;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  return `${stackName.slice(0, room - hash.length - 1)}-${hash}${RECONCILE_SUFFIX}`;
}

/** Functions that open connections to cluster API servers: only they are placed in the VPC. */
export const TALKS_TO_CLUSTERS: ReadonlySet<FunctionName> = new Set(['ingest', 'reconcile-cluster', 'api']);

export interface ControlPlaneFunctionsProps {
  props: ResolvedProps;
  state: StateTable;
}

/** The five functions of ../shared/DESIGN.md, each with its own role, log group and dead-letter queue. */
export class ControlPlaneFunctions extends Construct {
  readonly byName: Record<FunctionName, ControlPlaneFunction>;
  /** The identity of provider reads: store prefixes, and an explicit Deny on the control plane secrets. */
  readonly storeReader: StoreReaderRole;

  constructor(scope: Construct, id: string, { props, state }: ControlPlaneFunctionsProps) {
    super(scope, id);

    const make = (
      name: FunctionName,
      ids: string,
      environment: Record<string, string>,
      functionName?: string,
    ) =>
      new ControlPlaneFunction(this, ids, {
        ...FUNCTION_SIZING[name],
        name,
        functionName,
        bundleDir: props.bundleDir,
        runtime: props.runtime,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
        key: state.key,
        environment: { [ENV.tableName]: state.table.tableName, ...environment },
        vpcPlacement: TALKS_TO_CLUSTERS.has(name) ? props.vpcPlacement : undefined,
      });

    // reconcile-cluster invokes itself for follow-up passes, but CloudFormation cannot hand a
    // function its own generated name: it gets a fixed one, derived from the stack's name.
    const reconcileName = reconcileFunctionNameFor(Stack.of(this).stackName);
    // Validation (ingest, api) and scheduling (reconcile-cluster) must agree on the minimum.
    const minRefreshEnv = { [ENV.minRefreshIntervalMs]: String(props.minRefreshIntervalMs) };
    const reconcile = make(
      'reconcile-cluster',
      'ReconcileCluster',
      {
        [ENV.reconcileFunctionName]: reconcileName,
        [ENV.hmacKeySecretArn]: state.hmacKeySecret.secretArn,
        [ENV.secretNamePrefixes]: props.secretNamePrefixes.join(','),
        ...minRefreshEnv,
      },
      reconcileName,
    );
    const fanOutEnv = { [ENV.reconcileFunctionName]: reconcile.function.functionName };
    this.byName = {
      rotation: make('rotation', 'Rotation', fanOutEnv),
      sweep: make('sweep', 'Sweep', fanOutEnv),
      ingest: make('ingest', 'Ingest', {
        ...fanOutEnv,
        ...minRefreshEnv,
        [ENV.clusterCredentialSecretPrefix]: props.clusterCredentialSecretPrefix,
      }),
      'reconcile-cluster': reconcile,
      api: make('api', 'Api', {
        ...fanOutEnv,
        [ENV.secretNamePrefixes]: props.secretNamePrefixes.join(','),
        [ENV.clusterCredentialSecretPrefix]: props.clusterCredentialSecretPrefix,
        ...minRefreshEnv,
      }),
    };

    const baseCtx = {
      scope: this,
      props,
      tableArn: state.table.tableArn,
      dueIndexArn: `${state.table.tableArn}/index/${STATE_TABLE_DESIGN.dueIndex.indexName}`,
      keyArn: state.key.keyArn,
      hmacKeySecretArn: state.hmacKeySecret.secretArn,
      reconcileFunctionArn: reconcile.function.functionArn,
    };
    this.storeReader = new StoreReaderRole(this, 'StoreReader', {
      reconcileRole: reconcile.role,
      permissions: baseCtx,
    });
    reconcile.function.addEnvironment(ENV.storeReaderRoleArn, this.storeReader.role.roleArn);
    const ctx = { ...baseCtx, storeReaderRoleArn: this.storeReader.role.roleArn };
    for (const fn of Object.values(this.byName)) {
      for (const grant of permissionsOf(fn.name, ctx)) fn.allow(grant.statement, grant.wildcardReason);
    }

    // A run that finds its cluster leased folds into the holder's follow-up pass, which the holder
    // starts by invoking itself. In the role's default policy this would be a dependency cycle
    // (function -> policy -> function ARN), so it is a policy of its own.
    new iam.Policy(this, 'ReconcileSelfInvoke', {
      roles: [reconcile.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeReconcileCluster',
          actions: ['lambda:InvokeFunction'],
          resources: [reconcile.function.functionArn],
        }),
      ],
    });
  }

  get all(): ControlPlaneFunction[] {
    return Object.values(this.byName);
  }
}
