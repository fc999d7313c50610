/**
 * EKS registration against moto's EKS API: the endpoint and CA the control plane stores (and sends
 * its k8s-aws-v1 token to) are EKS's own answer, never the caller's. The cluster clients are
 * stand-ins: moto's endpoints serve no Kubernetes API, and reachability is not what is tested.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClusterCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../../../infra-tests/helpers/peers.js';
import { registrationDeps } from '../../../infra-tests/helpers/register-cluster-fixture.js';
import { registerCluster } from '../../control-plane/api.js';
import { InvalidRequestError, RegistrationRejectedError } from '../../control-plane/errors.js';
import { AwsEksClusterDirectory } from './eks-cluster-directory.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const clusterName = `reg-${randomBytes(4).toString('hex')}`;
let eks: EKSClient;
let directory: AwsEksClusterDirectory;
let region: string;

beforeAll(async () => {
  const { moto } = loadPeers();
  region = moto.region;
  eks = new EKSClient({ endpoint: moto.url, region, credentials });
  directory = new AwsEksClusterDirectory({ clientConfig: { endpoint: moto.url, credentials } });
  await eks.send(
    new CreateClusterCommand({
      name: clusterName,
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
      resourcesVpcConfig: { subnetIds: [] },
    }),
  );
});

afterAll(async () => {
  await eks.send(new DeleteClusterCommand({ name: clusterName })).catch(() => undefined);
  eks.destroy();
});

describe('registerCluster for EKS on moto', () => {
  it('should store the endpoint and CA that DescribeCluster reports', async () => {
    const described = (await eks.send(new DescribeClusterCommand({ name: clusterName }))).cluster;
    expect(described?.endpoint).toMatch(/^https:\/\//);
    const deps = registrationDeps({ eks: directory });

    await registerCluster(deps, {
      clusterId: 'prod-eu-1',
      auth: { type: 'eks', clusterName, region },
    });

    const stored = await deps.state.getCluster('prod-eu-1');
    expect(stored?.endpoint).toBe(described?.endpoint);
    const ca = described?.certificateAuthority?.data;
    expect(stored?.caData).toBe(ca ? Buffer.from(ca, 'base64').toString('utf8') : undefined);
    expect(deps.built.map((r) => r.endpoint)).toEqual([described?.endpoint]);
  });

  it('should refuse an endpoint given for an eks cluster, without contacting it', async () => {
    const deps = registrationDeps({ eks: directory });
    const refused = registerCluster(deps, {
      clusterId: 'prod-eu-1',
      endpoint: 'https://attacker.example',
      auth: { type: 'eks', clusterName, region },
    });
    await expect(refused).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refused).rejects.toMatchObject({ field: 'endpoint' });
    expect(deps.built).toEqual([]);
    expect(await deps.state.getCluster('prod-eu-1')).toBeUndefined();
  });

  it('should refuse a cluster EKS does not know, saying which', async () => {
    const deps = registrationDeps({ eks: directory });
    const refused = registerCluster(deps, {
      clusterId: 'ghost',
      auth: { type: 'eks', clusterName: `${clusterName}-missing`, region },
    });
    await expect(refused).rejects.toBeInstanceOf(RegistrationRejectedError);
    await expect(refused).rejects.toThrow(/ResourceNotFoundException/);
    expect(deps.built).toEqual([]);
  });

  it("should refuse a token secret outside the cluster's own credential path", async () => {
    const deps = registrationDeps({ eks: directory });
    const refused = registerCluster(deps, {
      clusterId: 'edge-1',
      endpoint: 'https://edge-1.example:6443',
      auth: { type: 'token', secretId: 'fleet-secrets-internal/clusters/prod-eu-1/token' },
    });
    await expect(refused).rejects.toMatchObject({ field: 'auth.secretId' });
    expect(deps.built).toEqual([]);
  });
});
