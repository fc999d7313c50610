/**
 * The watcher chart through the real helm binary: it lints, it renders the same objects as
 * `fleet-secrets watcher manifest` for equivalent inputs, its CRDs are the generated ones, and its
 * values schema refuses what the watcher could not run with. Server-side validation is in
 * chart.int.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrdFiles, crdFileText } from '../../../shared/domain/crds.js';
import type { WatcherManifestOptions } from '../../../watcher/install-manifests.js';
import {
  chartDir,
  chartValuesFor,
  helm,
  helmTemplate,
  normalise,
  parseObjects,
  withValuesFile,
} from '../testing/watcher-chart.js';

const projectRoot = join(chartDir, '..', '..', '..');
const digest = `sha256:${'0'.repeat(64)}`;

const podIdentity: WatcherManifestOptions = {
  clusterId: 'prod-eu-1',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fleet-secrets-watcher@${digest}`,
  ingestFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fleet-secrets-ingest',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/fleet-secrets-watcher',
  mode: 'pod-identity',
  namespace: 'fleet-secrets-system',
};

const irsa: WatcherManifestOptions = {
  ...podIdentity,
  clusterId: 'staging-us-2',
  image: `registry.example.com:5000/team/fleet-secrets-watcher@${digest}`,
  ingestFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:fleet-secrets-ingest:live',
  region: 'us-east-2',
  mode: 'irsa',
  apiServerCidr: '10.0.0.0/24',
  awsEndpointCidrs: ['10.0.8.0/24', '10.0.9.0/24'],
  namespace: 'watcher',
  resyncSeconds: 300,
  logLevel: 'debug',
};

/** `fleet-secrets watcher manifest` itself, run as a user would, with the same inputs. */
function cliManifest(options: WatcherManifestOptions) {
  const args = [
    join(projectRoot, 'bin', 'fleet-secrets.js'),
    'watcher',
    'manifest',
    '--no-check',
    '--cluster',
    options.clusterId,
    '--image',
    options.image,
    '--ingest-function-arn',
    options.ingestFunctionArn,
    '--role-arn',
    options.roleArn,
    '--region',
    options.region,
    '--mode',
    options.mode,
    ...(options.namespace ? ['--namespace', options.namespace] : []),
    ...(options.apiServerCidr ? ['--api-server-cidr', options.apiServerCidr] : []),
    ...(options.awsEndpointCidrs ? ['--aws-endpoint-cidrs', options.awsEndpointCidrs.join(',')] : []),
    ...(options.resyncSeconds ? ['--resync-seconds', String(options.resyncSeconds)] : []),
    ...(options.logLevel ? ['--log-level', options.logLevel] : []),
  ];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: projectRoot });
  if (run.status !== 0) throw new Error(`fleet-secrets watcher manifest failed: ${run.stderr}`);
  return parseObjects(run.stdout);
}

// Each test runs helm and some start the real CLI (a fresh node process): seconds on a loaded machine.
describe('the watcher Helm chart', { timeout: 60_000 }, () => {
  it('should pass helm lint with the values of a real install', () => {
    const result = withValuesFile(chartValuesFor(podIdentity), (file) =>
      helm(['lint', chartDir, '--strict', '-f', file]),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each([
    ['pod-identity with defaults', podIdentity],
    ['irsa with every network and tuning option', irsa],
  ])('should render the same objects as fleet-secrets watcher manifest (%s)', (_, options) => {
    const fromChart = helmTemplate(chartValuesFor(options), { namespace: options.namespace! }).objects;
    const fromCli = cliManifest(options);
    expect(fromCli.map((o) => o.kind)).toContain('PodDisruptionBudget');
    expect(normalise(fromChart)).toEqual(normalise(fromCli));
  });

  it('should label every object with the chart and release, which the CLI does not', () => {
    const { objects } = helmTemplate(chartValuesFor(podIdentity), { namespace: 'fleet-secrets-system' });
    for (const object of objects) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': 'fleet-secrets-watcher-0.1.0',
      });
    }
  });

  it('should leave the namespace to helm install --create-namespace by default', () => {
    const { objects } = helmTemplate(
      { ...chartValuesFor(podIdentity), namespace: { create: false } },
      { namespace: 'fleet-secrets-system' },
    );
    expect(objects.map((o) => o.kind)).not.toContain('Namespace');
  });

  it('should hold exactly the generated CRDs in its crds/ folder (run `npm run gen:crds` when this fails)', () => {
    const generated = buildCrdFiles();
    expect(readdirSync(join(chartDir, 'crds')).sort()).toEqual(generated.map((file) => file.fileName).sort());
    for (const file of generated) {
      expect(readFileSync(join(chartDir, 'crds', file.fileName), 'utf8'), file.fileName).toBe(
        crdFileText(file),
      );
    }
    const { objects } = helmTemplate(chartValuesFor(podIdentity), {
      namespace: 'fleet-secrets-system',
      extraArgs: ['--include-crds'],
    });
    expect(
      objects
        .filter((o) => o.kind === 'CustomResourceDefinition')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['clusterexternalsecrets.fleet-secrets.io', 'externalsecrets.fleet-secrets.io']);
  });

  it('should grant get/list/watch on the two fleet-secrets kinds only, never on Secrets', () => {
    const { objects } = helmTemplate(chartValuesFor(podIdentity), { namespace: 'fleet-secrets-system' });
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.map((role) => role.rules)).toEqual([
      [
        {
          apiGroups: ['fleet-secrets.io'],
          resources: ['externalsecrets', 'clusterexternalsecrets'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    ]);
  });

  it.each([
    ['no cluster id', { clusterId: '' }, /clusterId/],
    [
      'an image by tag instead of digest',
      { image: { repository: 'r.example.com/w', digest: 'latest' } },
      /digest/,
    ],
    ['a role that is not an IAM role ARN', { credentials: { mode: 'irsa', roleArn: 'admin' } }, /roleArn/],
    [
      'an unknown credentials mode',
      { credentials: { mode: 'static', roleArn: podIdentity.roleArn } },
      /mode/,
    ],
    ['a misspelt value', { resyncSecond: 60 }, /resyncSecond/],
  ])('should refuse values with %s', (_, override, message) => {
    const result = withValuesFile({ ...chartValuesFor(podIdentity), ...override }, (file) =>
      helm(['template', 'fleet-secrets-watcher', chartDir, '-f', file]),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
