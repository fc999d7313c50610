import type { ApiDeps } from '../../shared/control-plane/api.js';
import type { IngestDeps } from '../../shared/control-plane/ingest.js';
import type { ReconcileInvocationDeps } from '../../shared/control-plane/lease-runner.js';
import type { RotationFanoutDeps } from '../../shared/control-plane/rotation-fanout.js';
import type { SweepDeps } from '../../shared/control-plane/sweep.js';
import { composeApi, composeIngest, composeRotation, composeSweep } from './compose.js';
import { composeReconcileCluster, type ReconcileAdapters } from './compose-reconcile.js';

export { type ControlPlaneSettings, DEFAULT_SETTINGS } from './compose.js';

/** The real systems a whole control plane runs on: local ones in dev mode and tests. */
export type ControlPlaneAdapters = ReconcileAdapters;

/** What each function's handler core needs. */
export interface ControlPlane {
  rotation: RotationFanoutDeps;
  sweep: SweepDeps;
  ingest: IngestDeps;
  api: ApiDeps;
  reconcileCluster: ReconcileInvocationDeps;
}

/** Every function's dependencies at once, for one process that plays all of them (dev mode, tests). */
export function composeControlPlane(adapters: ControlPlaneAdapters): ControlPlane {
  return {
    rotation: composeRotation(adapters),
    sweep: composeSweep(adapters),
    ingest: composeIngest(adapters),
    api: composeApi(adapters),
    reconcileCluster: composeReconcileCluster(adapters),
  };
}
