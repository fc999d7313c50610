import type { LiveSecretMeta } from '../domain/live-secret.js';
import type { ClusterRecord } from '../domain/records.js';
import type { ExternalSecretStatus } from '../domain/schema.js';

export type { LiveSecretMeta };

/** Narrows a Secret lookup by type (a field selector on the server, one request either way). */
export interface SecretTypeFilter {
  type?: string;
  notTypes?: readonly string[];
}

/** A Secret to server-side apply. `data` values are base64, as the Kubernetes API expects. */
export interface SecretManifest {
  namespace: string;
  name: string;
  /** Empty: leave the live Secret's type alone (a Merge target is someone else's Secret). */
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
  immutable?: boolean;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}

export interface KubeEvent {
  namespace: string;
  involvedObject: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** One rule of a SelfSubjectRulesReview: what the control plane's identity may do. */
export interface AccessRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface AccessReview {
  rules: AccessRule[];
  /**
   * The authorizer could not list every rule (EKS access policies, webhook authorizers): a rule
   * missing from `rules` proves nothing, and each needed right must be asked for on its own.
   */
  incomplete: boolean;
}

export interface AccessNeed {
  apiGroup: string;
  resource: string;
  verb: string;
}

export type CustomKind = 'ExternalSecret' | 'ClusterExternalSecret';

/** What the control plane does in one member cluster, with its own identity. */
export interface ClusterClient {
  readonly clusterId: string;
  listManagedSecrets(opts: { labelSelector: string; namespace?: string }): Promise<LiveSecretMeta[]>;
  /**
   * Metadata of one Secret whether or not we manage it (Merge and None targets are someone else's
   * Secret until we label it), or undefined when it does not exist. Metadata only, like the LIST.
   * With `type`/`notTypes`, undefined also when its type does not match: the metadata never
   * carries the type, so this is how a type is learnt without reading the Secret.
   */
  getSecretMeta(
    namespace: string,
    name: string,
    filter?: SecretTypeFilter,
  ): Promise<LiveSecretMeta | undefined>;
  applySecret(
    secret: SecretManifest,
    opts: { fieldManager: string },
  ): Promise<{ resourceVersion: string; uid: string }>;
  deleteSecret(namespace: string, name: string): Promise<void>;
  getCustomObject(
    kind: CustomKind,
    namespace: string | undefined,
    name: string,
  ): Promise<unknown | undefined>;
  listCustomObjects(kind: CustomKind, namespace?: string): Promise<unknown[]>;
  patchExternalSecretStatus(namespace: string, name: string, status: ExternalSecretStatus): Promise<void>;
  createEvent(event: KubeEvent): Promise<void>;
  listNamespaces(): Promise<Array<{ name: string; labels: Record<string, string> }>>;
  /** SelfSubjectRulesReview in one namespace: registration checks RBAC before accepting a cluster. */
  reviewAccessRules(namespace: string): Promise<AccessReview>;
  /** SelfSubjectAccessReview of one verb on one resource ("externalsecrets/status": a subresource). */
  canI(namespace: string, need: AccessNeed): Promise<boolean>;
  /** GET /version: proves reachability and authentication in one cheap call. */
  serverVersion(): Promise<string>;
}

export interface ClusterClientFactory {
  forCluster(clusterId: string): Promise<ClusterClient>;
  /** A client for a registration not stored yet: registration checks it before accepting. */
  forRecord(record: ClusterRecord): Promise<ClusterClient>;
}
