/** Where an EKS cluster's API server is, as EKS itself reports it. */
export interface EksClusterLocation {
  endpoint: string;
  /** PEM of the cluster CA. */
  caData?: string;
}

/**
 * Looks an EKS cluster up with the control plane's own identity. Registration takes endpoint and
 * CA from here, never from the caller: the control plane sends a token valid for the named
 * cluster to that endpoint, so a caller-chosen URL would receive it.
 */
export interface EksClusterDirectory {
  describe(clusterName: string, region: string): Promise<EksClusterLocation>;
}

/** EKS has no such cluster, or did not say where it is: the message is safe to show the caller. */
export class EksClusterLookupError extends Error {
  override readonly name = 'EksClusterLookupError';
}
