/**
 * The contract between the peer harness (which starts real servers) and the integration suites
 * (which only read endpoints). The global setup writes one PeerEndpoints JSON file per run and
 * points FLEET_SECRETS_PEERS at it; suites read it with `loadPeers()` from infra-tests/helpers.
 */

/** A server process the harness started; `stop` is idempotent. */
export interface RunningPeer {
  name: string;
  /** Where the server's stdout/stderr go: named in every startup failure. */
  logFile: string;
  stop(): Promise<void>;
}

export interface KubeClusterEndpoint {
  /** Cluster id used across the suites, e.g. "cluster-1". */
  name: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** PEM of the apiserver's self-signed serving certificate (its CA). */
  caData: string;
  /** Bearer token of the admin identity (group system:masters). */
  adminToken: string;
  /** Bearer token of an identity with no groups: only RBAC objects a test applies empower it. */
  limitedToken: string;
  /** User name of the limited identity, for RoleBindings. */
  limitedUser: string;
  /** kubeconfig files for each identity. */
  adminKubeconfig: string;
  limitedKubeconfig: string;
  etcdPrefix: string;
}

export interface PeerEndpoints {
  kube: { etcdUrl: string; clusters: KubeClusterEndpoint[] };
  /** moto server: Secrets Manager, STS, IAM, EventBridge on one endpoint. */
  moto: { url: string; region: string };
  dynamodb: { url: string; region: string };
  vault: { url: string; rootToken: string };
  /** Written by startPeers: who owns the peers and which were started (absent in hand-written files). */
  run?: { ownerPid: number; runDir: string; started: string[] };
}
