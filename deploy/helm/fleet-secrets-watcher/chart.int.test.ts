/**
 * The watcher chart against a real apiserver (a private one: the chart installs cluster-scoped
 * CRDs and RBAC): `helm template` piped to a strict server-side dry-run by kubectl, and the
 * `helm install` that docs/deploy.md gives, run as written.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeClients,
  kubeClientsFor,
  type PrivateCluster,
  startPrivateCluster,
  uniqueName,
} from '../../../infra-tests/helpers/kube.js';
import type { WatcherManifestOptions } from '../../../watcher/install-manifests.js';
import {
  chartDir,
  chartValuesFor,
  helm,
  helmTemplate,
  releaseName,
  withValuesFile,
} from '../testing/watcher-chart.js';

let cluster: PrivateCluster;
let admin: KubeClients;

const options: WatcherManifestOptions = {
  clusterId: 'chart-it',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fleet-secrets-watcher@sha256:${'0'.repeat(64)}`,
  ingestFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fleet-secrets-ingest',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/fleet-secrets-watcher',
  mode: 'irsa',
  apiServerCidr: '10.0.0.0/24',
};

function kubectl(args: string[], input?: string) {
  const result = spawnSync('kubectl', ['--kubeconfig', cluster.endpoint.adminKubeconfig, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  cluster = await startPrivateCluster(uniqueName('chart'));
  admin = kubeClientsFor(cluster.endpoint);
});

afterAll(async () => {
  await cluster?.dispose();
});

describe('the watcher chart on a real apiserver', () => {
  it('should pass a strict server-side dry-run of every object helm template renders, CRDs included', async () => {
    const namespace = uniqueName('chart-dryrun');
    // A dry-run creates nothing, so namespaced objects need their namespace for real.
    await admin.core.createNamespace({ body: { metadata: { name: namespace } } });
    const { objects, yaml } = helmTemplate(
      { ...chartValuesFor(options), namespace: { create: false } },
      { namespace, extraArgs: ['--include-crds'] },
    );
    // The command of docs/deploy.md; kubectl validates strictly by default.
    const applied = kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], yaml);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    const lines = applied.stdout.trim().split('\n');
    expect(lines).toHaveLength(objects.length);
    expect(lines.every((line) => line.endsWith('serverside-applied (server dry run)'))).toBe(true);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'ServiceAccount',
    ]);
    // The check has teeth: a misspelt field is refused, not dropped.
    const misspelt = kubectl(
      ['apply', '--server-side', '--dry-run=server', '-f', '-'],
      yaml.replace('revisionHistoryLimit: 3', 'revisionHistoryLimt: 3'),
    );
    expect(misspelt.status).toBe(1);
    expect(misspelt.stderr).toMatch(/\.spec\.revisionHistoryLimt: field not declared in schema/);
    // Dry-run persisted nothing.
    expect(kubectl(['get', 'crd', 'externalsecrets.fleet-secrets.io']).status).toBe(1);
  });

  it('should install with the helm install command of docs/deploy.md: CRDs established, watcher objects created', async () => {
    const installed = withValuesFile(chartValuesFor(options), (file) =>
      helm(
        [
          'install',
          releaseName,
          chartDir,
          '--namespace',
          'fleet-secrets-system',
          '--create-namespace',
          '-f',
          file,
        ],
        { env: { KUBECONFIG: cluster.endpoint.adminKubeconfig } },
      ),
    );
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toContain('STATUS: deployed');

    const crd = await admin.apiextensions.readCustomResourceDefinition({
      name: 'externalsecrets.fleet-secrets.io',
    });
    expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    const serviceAccount = await admin.core.readNamespacedServiceAccount({
      name: 'fleet-secrets-watcher',
      namespace: 'fleet-secrets-system',
    });
    expect(serviceAccount.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe(options.roleArn);
    const deployment = kubectl([
      'get',
      'deployment',
      'fleet-secrets-watcher',
      '-n',
      'fleet-secrets-system',
      '-o',
      'json',
    ]);
    expect(deployment.status).toBe(0);
    const spec = JSON.parse(deployment.stdout).spec.template.spec;
    expect(spec.containers[0].image).toBe(options.image);
    expect(spec.securityContext.runAsUser).toBe(65532);
    const pdb = kubectl([
      'get',
      'poddisruptionbudget',
      'fleet-secrets-watcher',
      '-n',
      'fleet-secrets-system',
    ]);
    expect(pdb.status).toBe(0);

    // The CRD update path of docs/deploy.md: kubectl's server-side apply shares the fields helm set.
    const crds = kubectl(['apply', '--server-side', '-f', join(chartDir, '..', '..', '..', 'crds')]);
    expect(crds.stderr).toBe('');
    expect(crds.status).toBe(0);
  });
});
