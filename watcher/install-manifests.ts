/**
 * The watcher's Kubernetes objects for one member cluster. `fleet-secrets watcher manifest --cluster
 * NAME` fills in the cluster-specific values and prints the YAML; `kubectl apply -f -` installs it.
 *
 * deploy/helm/fleet-secrets-watcher renders the same objects (a test compares the two).
 *
 * Least privilege throughout: get/list/watch on the two fleet-secrets kinds and nothing else (no
 * Secrets, no events, no status writes), the restricted Pod Security Standard, and a NetworkPolicy
 * that lets the pod reach only DNS, the API server, AWS endpoints on 443 and, with Pod Identity, the
 * node-local credentials agent.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { stringify } from 'yaml';
import { API_GROUP } from '../shared/domain/schema.js';
import { ENV } from './config.js';
import { watchedResources } from './resources.js';

export type WatcherCredentialsMode = 'pod-identity' | 'irsa';

export interface WatcherManifestOptions {
  clusterId: string;
  /** Image reference, ideally pinned by digest. */
  image: string;
  ingestFunctionArn: string;
  region: string;
  /** IAM role allowed to invoke the ingest function (lambda:InvokeFunction on it, nothing else). */
  roleArn: string;
  /** pod-identity: the CLI creates an EKS Pod Identity association; irsa: the SA carries the role. */
  mode: WatcherCredentialsMode;
  /** CIDR of the API server endpoints (e.g. the EKS control-plane ENIs); absent = any address. */
  apiServerCidr?: string;
  apiServerPort?: number;
  /** Where Lambda and STS are reached on 443 (e.g. VPC endpoint subnets); default anywhere. */
  awsEndpointCidrs?: string[];
  namespace?: string;
  name?: string;
  resyncSeconds?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  memoryRequest?: string;
  memoryLimit?: string;
  cpuRequest?: string;
}

/** A manifest option is missing or malformed; the message names the option. */
export class WatcherManifestError extends Error {
  override name = 'WatcherManifestError';
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option}: ${problem}`);
  }
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export const watcherDefaults = {
  namespace: 'fleet-secrets-system',
  name: 'fleet-secrets-watcher',
  healthPort: 8081,
  metricsPort: 9090,
  apiServerPort: 443,
  // Measured with 5,000 objects (watcher/bench): ~62 MiB RSS at rest, ~82 MiB peak during bursts
  // and resyncs, of which ~42 MiB are the node binary's file-backed pages.
  memoryRequest: '96Mi',
  memoryLimit: '192Mi',
  cpuRequest: '10m',
  /** Runs as distroless' "nonroot" user. */
  uid: 65532,
} as const;

/** EKS Pod Identity agent on every node (IPv4 and IPv6 link-local addresses, HTTP). */
const podIdentityAgent = { ipv4: '169.254.170.23/32', ipv6: 'fd00:ec2::23/128', port: 80 };

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// What registration accepts (a DNS label): the ingest refuses any other cluster id.
const clusterIdPattern = dnsLabel;

/** The Secret (in the watcher's namespace, key `key`) holding this cluster's watcher key. */
export const WATCHER_KEY_SECRET = 'fleet-secrets-watcher-key';
const lambdaArn =
  /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const roleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const region = /^[a-z]{2}(-[a-z]+)+-\d$/;
const quantity = /^\d+(\.\d+)?(m|Ki|Mi|Gi|k|M|G)?$/;

function isCidr(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !address || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  if (isIPv4(address)) return Number(prefix) <= 32;
  return isIPv6(address) && Number(prefix) <= 128;
}

function check(ok: boolean, option: string, problem: string): void {
  if (!ok) throw new WatcherManifestError(option, problem);
}

function validate(options: WatcherManifestOptions): void {
  check(
    clusterIdPattern.test(options.clusterId ?? ''),
    'clusterId',
    'must be a lower-case cluster id like prod-eu-1',
  );
  check(!!options.image && !/\s/.test(options.image), 'image', 'must be an image reference');
  const arn = lambdaArn.exec(options.ingestFunctionArn ?? '');
  check(
    !!arn,
    'ingestFunctionArn',
    'must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)',
  );
  check(region.test(options.region ?? ''), 'region', 'must be an AWS region such as eu-west-1');
  check(arn?.[1] === options.region, 'region', `must be the ingest function's region (${arn?.[1]})`);
  check(
    roleArn.test(options.roleArn ?? ''),
    'roleArn',
    'must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
  );
  check(
    options.mode === 'pod-identity' || options.mode === 'irsa',
    'mode',
    'must be "pod-identity" or "irsa"',
  );
  if (options.apiServerCidr !== undefined) {
    check(isCidr(options.apiServerCidr), 'apiServerCidr', 'must be a CIDR such as 10.0.0.0/16');
  }
  for (const cidr of options.awsEndpointCidrs ?? []) {
    check(isCidr(cidr), 'awsEndpointCidrs', `"${cidr}" is not a CIDR`);
  }
  if (options.apiServerPort !== undefined) {
    check(
      Number.isInteger(options.apiServerPort) && options.apiServerPort > 0 && options.apiServerPort < 65_536,
      'apiServerPort',
      'must be a TCP port',
    );
  }
  for (const option of ['namespace', 'name'] as const) {
    const value = options[option];
    if (value !== undefined)
      check(dnsLabel.test(value), option, 'must be a DNS label (lower-case, at most 63)');
  }
  if (options.resyncSeconds !== undefined) {
    check(
      Number.isInteger(options.resyncSeconds) &&
        options.resyncSeconds >= 10 &&
        options.resyncSeconds <= 86_400,
      'resyncSeconds',
      'must be a whole number of seconds between 10 and 86400',
    );
  }
  for (const option of ['memoryRequest', 'memoryLimit', 'cpuRequest'] as const) {
    const value = options[option];
    if (value !== undefined)
      check(quantity.test(value), option, 'must be a Kubernetes quantity such as 64Mi');
  }
}

/** Every object the watcher needs in a member cluster, in apply order. */
export function renderWatcherManifests(options: WatcherManifestOptions): ManifestObject[] {
  validate(options);
  const namespace = options.namespace ?? watcherDefaults.namespace;
  const name = options.name ?? watcherDefaults.name;
  const labels = {
    'app.kubernetes.io/name': 'fleet-secrets-watcher',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/part-of': 'fleet-secrets',
    'fleet-secrets.io/cluster-id': options.clusterId,
  };
  const selector = { 'app.kubernetes.io/name': 'fleet-secrets-watcher', 'app.kubernetes.io/instance': name };
  const { healthPort, metricsPort } = watcherDefaults;

  const namespaceObject: ManifestObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        ...labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };

  const serviceAccount: ManifestObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace,
      labels,
      annotations:
        options.mode === 'irsa'
          ? {
              'eks.amazonaws.com/role-arn': options.roleArn,
              'eks.amazonaws.com/sts-regional-endpoints': 'true',
            }
          : // Pod Identity binds the role outside the cluster (an EKS association); recorded for operators.
            { 'fleet-secrets.io/pod-identity-role-arn': options.roleArn },
    },
  };

  const clusterRole: ManifestObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules: [
      {
        apiGroups: [API_GROUP],
        resources: watchedResources.map((resource) => resource.plural),
        verbs: ['get', 'list', 'watch'],
      },
    ],
  };

  const clusterRoleBinding: ManifestObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };

  const env = [
    { name: ENV.clusterId, value: options.clusterId },
    { name: ENV.ingestFunction, value: options.ingestFunctionArn },
    // The key is not in this manifest: the operator creates the Secret (docs/clusters.md).
    {
      name: ENV.signingKey,
      valueFrom: { secretKeyRef: { name: WATCHER_KEY_SECRET, key: 'key' } },
    },
    { name: ENV.region, value: options.region },
    { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' },
    { name: ENV.healthPort, value: String(healthPort) },
    { name: ENV.metricsPort, value: String(metricsPort) },
    ...(options.resyncSeconds === undefined
      ? []
      : [{ name: ENV.resyncSeconds, value: String(options.resyncSeconds) }]),
    ...(options.logLevel === undefined ? [] : [{ name: ENV.logLevel, value: options.logLevel }]),
  ];

  const deployment: ManifestObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      // Surge first: the new pod lists and sends its digest before the old one stops (no gap).
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(metricsPort),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: name,
          // The watcher authenticates to the API server with this token; it is its only credential there.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          // Above the watcher's own flush deadline (WATCHER_SHUTDOWN_TIMEOUT_MS, 20 s by default).
          terminationGracePeriodSeconds: 30,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: watcherDefaults.uid,
            runAsGroup: watcherDefaults.uid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'watcher',
              image: options.image,
              imagePullPolicy: options.imagePullPolicy ?? 'IfNotPresent',
              env,
              ports: [
                { name: 'health', containerPort: healthPort, protocol: 'TCP' },
                { name: 'metrics', containerPort: metricsPort, protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'health' },
                periodSeconds: 20,
                timeoutSeconds: 2,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'health' },
                periodSeconds: 5,
                timeoutSeconds: 2,
                failureThreshold: 2,
              },
              resources: {
                requests: {
                  cpu: options.cpuRequest ?? watcherDefaults.cpuRequest,
                  memory: options.memoryRequest ?? watcherDefaults.memoryRequest,
                },
                limits: { memory: options.memoryLimit ?? watcherDefaults.memoryLimit },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    },
  };

  const tcp = (port: number) => ({ protocol: 'TCP', port });
  const anywhere = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  const awsEndpoints = (options.awsEndpointCidrs ?? ['0.0.0.0/0']).map((cidr) => ({ ipBlock: { cidr } }));
  const networkPolicy: ManifestObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      // Only the metrics port is open to scrapers; kubelet probes are not subject to NetworkPolicy.
      ingress: [{ ports: [tcp(metricsPort)] }],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        {
          // NetworkPolicy sees the endpoint address after the kubernetes Service is translated.
          to: options.apiServerCidr ? [{ ipBlock: { cidr: options.apiServerCidr } }] : anywhere,
          ports: [tcp(options.apiServerPort ?? watcherDefaults.apiServerPort)],
        },
        // Lambda (Invoke) and STS (IRSA's AssumeRoleWithWebIdentity); NetworkPolicy cannot match names.
        { to: awsEndpoints, ports: [tcp(443)] },
        ...(options.mode === 'pod-identity'
          ? [
              {
                to: [
                  { ipBlock: { cidr: podIdentityAgent.ipv4 } },
                  { ipBlock: { cidr: podIdentityAgent.ipv6 } },
                ],
                ports: [tcp(podIdentityAgent.port)],
              },
            ]
          : []),
      ],
    },
  };

  // One replica: a PDB demanding it stay up would block every node drain. maxUnavailable 1 lets a
  // drain evict it (the surge rollout and the new pod's start-up digest cover the gap) while still
  // refusing to evict more than one if the Deployment is ever scaled out.
  const podDisruptionBudget: ManifestObject = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace, labels },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selector },
      // A pod that is not ready is doing no work: evicting it must never wait for it to become ready.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };

  return [
    namespaceObject,
    serviceAccount,
    clusterRole,
    clusterRoleBinding,
    deployment,
    networkPolicy,
    podDisruptionBudget,
  ];
}

/** The manifests as one multi-document YAML stream, ready for `kubectl apply -f -`. */
/** The cluster's copy of its watcher key, for `kubectl apply -f -` (never logged or stored elsewhere). */
export function renderWatcherKeySecretYaml(options: { namespace?: string; key: string }): string {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: WATCHER_KEY_SECRET, namespace: options.namespace ?? watcherDefaults.namespace },
    type: 'Opaque',
    stringData: { key: options.key },
  };
  return `---\n${stringify(secret)}`;
}

export function renderWatcherManifestsYaml(options: WatcherManifestOptions): string {
  const header = `# fleet-secrets watcher for cluster ${options.clusterId} (${options.mode})\n`;
  return (
    header +
    renderWatcherManifests(options)
      .map((object) => `---\n${stringify(object)}`)
      .join('')
  );
}
