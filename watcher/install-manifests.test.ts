import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  type ManifestObject,
  renderWatcherManifests,
  renderWatcherManifestsYaml,
  WatcherManifestError,
  type WatcherManifestOptions,
} from './install-manifests.js';

const base: WatcherManifestOptions = {
  clusterId: 'prod-eu-1',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fleet-secrets-watcher@sha256:${'a'.repeat(64)}`,
  ingestFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fleet-secrets-ingest',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/fleet-secrets-watcher-prod-eu-1',
  mode: 'pod-identity',
};

// biome-ignore lint/suspicious/noExplicitAny: the tests dig into plain manifest objects by path.
type Loose = any;

function byKind(objects: ManifestObject[], kind: string): ManifestObject & Record<string, Loose> {
  const found = objects.find((object) => object.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
}

function errorOf(options: Partial<WatcherManifestOptions>): WatcherManifestError {
  try {
    renderWatcherManifests({ ...base, ...options });
  } catch (error) {
    if (error instanceof WatcherManifestError) return error;
    throw error;
  }
  throw new Error('expected a WatcherManifestError');
}

describe('renderWatcherManifests', () => {
  it('should render the namespace, identity, RBAC, workload, network policy and disruption budget in apply order', () => {
    const objects = renderWatcherManifests(base);
    expect(objects.map((object) => object.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
    ]);
    for (const object of objects.filter(
      (o) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind),
    )) {
      expect(object.metadata.namespace).toBe('fleet-secrets-system');
    }
  });

  it('should grant get, list and watch on the two fleet-secrets kinds and nothing else', () => {
    const role = byKind(renderWatcherManifests(base), 'ClusterRole');
    expect(role.rules).toEqual([
      {
        apiGroups: ['fleet-secrets.io'],
        resources: ['externalsecrets', 'clusterexternalsecrets'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    const binding = byKind(renderWatcherManifests(base), 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'fleet-secrets-watcher', namespace: 'fleet-secrets-system' },
    ]);
  });

  it('should run the pod under the restricted Pod Security Standard with its token mounted', () => {
    const objects = renderWatcherManifests(base);
    expect(byKind(objects, 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const pod = byKind(objects, 'Deployment').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '96Mi' },
      limits: { memory: '192Mi' },
    });
    expect(container.image).toBe(base.image);
  });

  it('should configure the watcher through its environment variables', () => {
    const pod = byKind(
      renderWatcherManifests({ ...base, resyncSeconds: 300, logLevel: 'debug' }),
      'Deployment',
    ).spec.template.spec;
    const env = Object.fromEntries(
      pod.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      WATCHER_CLUSTER_ID: 'prod-eu-1',
      WATCHER_INGEST_FUNCTION: base.ingestFunctionArn,
      AWS_REGION: 'eu-west-1',
      WATCHER_RESYNC_SECONDS: '300',
      WATCHER_LOG_LEVEL: 'debug',
    });
    // The watcher key is read from a Secret the operator creates, never written into the manifest.
    expect(pod.containers[0].env).toContainEqual({
      name: 'WATCHER_SIGNING_KEY',
      valueFrom: { secretKeyRef: { name: 'fleet-secrets-watcher-key', key: 'key' } },
    });
  });

  it('should annotate the ServiceAccount with the role for IRSA only', () => {
    const irsa = byKind(renderWatcherManifests({ ...base, mode: 'irsa' }), 'ServiceAccount');
    expect(irsa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(base.roleArn);
    const podIdentity = byKind(renderWatcherManifests(base), 'ServiceAccount');
    expect(podIdentity.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBeUndefined();
  });

  it('should limit egress to DNS, the API server, AWS on 443 and the Pod Identity agent', () => {
    const policy = byKind(
      renderWatcherManifests({ ...base, apiServerCidr: '10.0.0.0/16', awsEndpointCidrs: ['10.1.0.0/24'] }),
      'NetworkPolicy',
    );
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const egress = policy.spec.egress as Array<{
      to: unknown[];
      ports: Array<{ protocol: string; port: number }>;
    }>;
    expect(egress.map((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`).join(','))).toEqual([
      'UDP/53,TCP/53',
      'TCP/443',
      'TCP/443',
      'TCP/80',
    ]);
    expect(egress[1]?.to).toEqual([{ ipBlock: { cidr: '10.0.0.0/16' } }]);
    expect(egress[2]?.to).toEqual([{ ipBlock: { cidr: '10.1.0.0/24' } }]);
    expect(egress[3]?.to).toContainEqual({ ipBlock: { cidr: '169.254.170.23/32' } });

    const irsa = byKind(renderWatcherManifests({ ...base, mode: 'irsa' }), 'NetworkPolicy');
    expect(irsa.spec.egress).toHaveLength(3);
  });

  it('should name the option that is missing or malformed', () => {
    expect(errorOf({ clusterId: 'Prod_EU' }).option).toBe('clusterId');
    expect(errorOf({ ingestFunctionArn: 'fleet-secrets-ingest' }).option).toBe('ingestFunctionArn');
    expect(errorOf({ region: 'us-east-1' }).message).toBe(
      "region: must be the ingest function's region (eu-west-1)",
    );
    expect(errorOf({ roleArn: 'arn:aws:iam::123456789012:user/x' }).option).toBe('roleArn');
    expect(errorOf({ mode: 'kiam' as never }).option).toBe('mode');
    expect(errorOf({ apiServerCidr: '10.0.0.0' }).option).toBe('apiServerCidr');
    expect(errorOf({ awsEndpointCidrs: ['10.0.0.0/33'] }).option).toBe('awsEndpointCidrs');
    expect(errorOf({ namespace: 'Fleet' }).option).toBe('namespace');
    expect(errorOf({ memoryLimit: 'lots' }).option).toBe('memoryLimit');
  });

  it('should print a multi-document YAML stream that parses back to the same objects', () => {
    const yaml = renderWatcherManifestsYaml(base);
    const documents = parseAllDocuments(yaml).map((document) => document.toJS());
    expect(documents).toEqual(renderWatcherManifests(base));
  });
});
