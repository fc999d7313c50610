/** The typed errors of this adapter are the ClusterClient port's own (reconcile reacts to them). */
export * from '../../ports/cluster-client-errors.js';
