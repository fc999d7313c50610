/**
 * Builds a ClusterClient from a cluster registration and keeps it for the life of the warm Lambda:
 * its keep-alive sockets, its token and its request counter survive across invocations. A changed
 * registration (new endpoint, CA or auth) builds a fresh client.
 */
import { Agent } from 'node:https';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { KubeConfig, type SecurityAuthentication } from '@kubernetes/client-node';
import type { ClusterRecord } from '../../domain/records.js';
import { RequestCounter } from '../../lib/request-counter.js';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { ClusterClientFactory } from '../../ports/cluster-client.js';
import type { StateStore } from '../../ports/state-store.js';
import { AssumedRoleCredentialCache, roleSessionName } from '../aws-credentials/index.js';
import {
  type BearerTokenSource,
  KubeConfigAuthentication,
  kubeconfigTlsOptions,
  type TlsMaterial,
  TokenSourceAuthentication,
} from './auth.js';
import { type AwsCredentialsProvider, EksTokenSource } from './eks-token.js';
import { ClusterConfigError, UnknownClusterError } from './errors.js';
import { KubeClusterClient } from './kube-cluster-client.js';
import { SecretsManagerTokenSource } from './secrets-manager-token-source.js';

export interface KubeClusterClientFactoryOptions {
  /** Where registrations are read from. */
  state: Pick<StateStore, 'getCluster'>;
  /** Reads the ServiceAccount tokens of `token` clusters (the control plane's own account). */
  secretsManager?: SecretsManagerClient;
  /** STS endpoint override for EKS tokens and AssumeRole (tests point it at moto). */
  stsEndpoint?: string;
  /** Credentials that sign EKS tokens when the registration names no role; default: the SDK chain. */
  awsCredentials?: AwsCredentialsProvider;
  /** Deadline of every API request; bounds how long an unreachable cluster can hold a pass. */
  requestTimeoutMs?: number;
  /** Sockets per cluster: enough for a pass's parallel writes. */
  maxSockets?: number;
  clock?: Clock;
}

interface CachedClient {
  fingerprint: string;
  client: KubeClusterClient;
}

export class KubeClusterClientFactory implements ClusterClientFactory {
  readonly #options: KubeClusterClientFactoryOptions;
  readonly #clock: Clock;
  readonly #clients = new Map<string, CachedClient>();
  readonly #counters = new Map<string, RequestCounter>();
  readonly #sts = new Map<string, STSClient>();
  readonly #roles = new Map<string, AssumedRoleCredentialCache>();

  constructor(options: KubeClusterClientFactoryOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  async forCluster(clusterId: string): Promise<KubeClusterClient> {
    const record = await this.#options.state.getCluster(clusterId);
    if (!record) throw new UnknownClusterError(clusterId);
    return this.forRecord(record);
  }

  async forRecord(record: ClusterRecord): Promise<KubeClusterClient> {
    const fingerprint = JSON.stringify([record.endpoint, record.caData, record.auth]);
    const cached = this.#clients.get(record.clusterId);
    if (cached?.fingerprint === fingerprint) return cached.client;
    cached?.client.close();
    const client = await this.#build(record);
    this.#clients.set(record.clusterId, { fingerprint, client });
    return client;
  }

  /** Requests sent to one cluster since this factory was made, across client rebuilds. */
  requestCounter(clusterId: string): RequestCounter {
    let counter = this.#counters.get(clusterId);
    if (!counter) {
      counter = new RequestCounter();
      this.#counters.set(clusterId, counter);
    }
    return counter;
  }

  /** Drops every cached client and its sockets. */
  close(): void {
    for (const { client } of this.#clients.values()) client.close();
    this.#clients.clear();
    for (const sts of this.#sts.values()) sts.destroy();
    this.#sts.clear();
    this.#roles.clear();
  }

  async #build(record: ClusterRecord): Promise<KubeClusterClient> {
    const { clusterId, auth } = record;
    let endpoint = record.endpoint;
    let tls: TlsMaterial = { ca: record.caData };
    let authentication: SecurityAuthentication;
    let tokenSource: BearerTokenSource | undefined;

    switch (auth.type) {
      case 'eks': {
        const sts = this.#stsClient(auth.region);
        const credentials: AwsCredentialsProvider = auth.roleArn
          ? this.#assumedRoles(auth.region).provider({
              roleArn: auth.roleArn,
              sessionName: roleSessionName({ clusterId }),
            })
          : (this.#options.awsCredentials ?? (() => sts.config.credentials()));
        tokenSource = new EksTokenSource({
          clusterName: auth.clusterName,
          region: auth.region,
          credentials,
          stsEndpoint: this.#options.stsEndpoint,
          clock: this.#clock,
        });
        authentication = new TokenSourceAuthentication({ source: tokenSource });
        break;
      }
      case 'token': {
        if (!this.#options.secretsManager) {
          throw new ClusterConfigError(
            `cluster "${clusterId}" uses a token kept in Secrets Manager, but no Secrets Manager client is configured`,
          );
        }
        tokenSource = new SecretsManagerTokenSource({
          client: this.#options.secretsManager,
          secretId: auth.secretId,
          clock: this.#clock,
        });
        authentication = new TokenSourceAuthentication({ source: tokenSource });
        break;
      }
      case 'kubeconfig': {
        const kubeConfig = new KubeConfig();
        try {
          kubeConfig.loadFromFile(auth.path);
          if (auth.context) kubeConfig.setCurrentContext(auth.context);
        } catch (error) {
          throw new ClusterConfigError(
            `cluster "${clusterId}": cannot load kubeconfig ${auth.path}${auth.context ? ` (context ${auth.context})` : ''}: ${describeLoadError(error)}`,
          );
        }
        endpoint ||= kubeConfig.getCurrentCluster()?.server ?? '';
        const fromFile = await kubeconfigTlsOptions(kubeConfig);
        tls = { ...fromFile, ca: record.caData ?? fromFile.ca };
        authentication = new KubeConfigAuthentication({ kubeConfig });
        break;
      }
      default:
        throw new ClusterConfigError(
          `cluster "${clusterId}": unknown auth type "${(auth as { type?: string }).type}"`,
        );
    }
    if (!endpoint?.startsWith('https://')) {
      throw new ClusterConfigError(
        `cluster "${clusterId}": endpoint must be an https:// URL, got "${endpoint}"`,
      );
    }

    const agent = new Agent({
      ...tls,
      keepAlive: true,
      maxSockets: this.#options.maxSockets ?? 16,
    });
    return new KubeClusterClient({
      clusterId,
      endpoint,
      agent,
      authentication,
      tokenSource,
      requestTimeoutMs: this.#options.requestTimeoutMs,
      counter: this.requestCounter(clusterId),
    });
  }

  #assumedRoles(region: string): AssumedRoleCredentialCache {
    let cache = this.#roles.get(region);
    if (!cache) {
      cache = new AssumedRoleCredentialCache({ sts: this.#stsClient(region), clock: this.#clock });
      this.#roles.set(region, cache);
    }
    return cache;
  }

  #stsClient(region: string): STSClient {
    let sts = this.#sts.get(region);
    if (!sts) {
      sts = new STSClient({
        region,
        ...(this.#options.stsEndpoint ? { endpoint: this.#options.stsEndpoint } : {}),
      });
      this.#sts.set(region, sts);
    }
    return sts;
  }
}

/**
 * Why a kubeconfig did not load, without its content: the YAML parser's message shows the lines
 * around the error, and those hold tokens and client keys. A file error keeps its code (ENOENT),
 * a parse error its position.
 */
function describeLoadError(error: unknown): string {
  const { code, mark, name } = (error ?? {}) as {
    code?: unknown;
    mark?: { line?: unknown; column?: unknown };
    name?: unknown;
  };
  if (typeof code === 'string') return code;
  if (typeof mark?.line === 'number' && typeof mark.column === 'number') {
    return `not valid YAML at line ${mark.line + 1}, column ${mark.column + 1}`;
  }
  return typeof name === 'string' ? name : 'unreadable';
}
