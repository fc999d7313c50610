/**
 * ClusterClient over @kubernetes/client-node: what the control plane does in one member cluster
 * with its own identity. Secrets are only ever read as metadata (PartialObjectMetadata), writes are
 * server-side apply, and even the apply and delete responses are asked for as metadata, so live
 * Secret data never enters the process.
 */
import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:https';
import {
  AuthorizationV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  PatchStrategy,
  type SecurityAuthentication,
  ServerConfiguration,
  setHeaderOptions,
  type V1ObjectMeta,
  VersionApi,
} from '@kubernetes/client-node';
import { isReservedMetadataKey } from '../../domain/labels.js';
import { API_GROUP, API_VERSION, type ExternalSecretStatus } from '../../domain/schema.js';
import { RequestCounter } from '../../lib/request-counter.js';
import type {
  AccessNeed,
  AccessReview,
  ClusterClient,
  CustomKind,
  KubeEvent,
  LiveSecretMeta,
  SecretManifest,
  SecretTypeFilter,
} from '../../ports/cluster-client.js';
import { toKubeError } from './api-errors.js';
import type { BearerTokenSource } from './auth.js';
import { ClusterTransport } from './cluster-transport.js';
import { KubeNotFoundError, KubeUnauthorizedError } from './errors.js';

const PARTIAL_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

const PLURALS: Record<CustomKind, { plural: string; namespaced: boolean }> = {
  ExternalSecret: { plural: 'externalsecrets', namespaced: true },
  ClusterExternalSecret: { plural: 'clusterexternalsecrets', namespaced: false },
};

export interface KubeClusterClientOptions {
  clusterId: string;
  /** https://host:port of the API server. */
  endpoint: string;
  /** Keep-alive agent with the cluster's CA; shared by every request of this client. */
  agent: Agent;
  authentication: SecurityAuthentication;
  /** When set, a 401 invalidates its token and the call is retried once (the token rotated). */
  tokenSource?: BearerTokenSource;
  /** Deadline of each request; an unreachable cluster fails within it. Default 10 s. */
  requestTimeoutMs?: number;
  counter?: RequestCounter;
  /** Items per LIST page; one page covers any ordinary namespace. */
  listPageSize?: number;
  /** Names this control plane in Events (reportingInstance). */
  reportingInstance?: string;
}

export class KubeClusterClient implements ClusterClient {
  readonly clusterId: string;
  /** Requests that really went out, by verb and resource. */
  readonly requests: RequestCounter;
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #authz: AuthorizationV1Api;
  readonly #version: VersionApi;
  readonly #agent: Agent;
  readonly #tokenSource: BearerTokenSource | undefined;
  readonly #pageSize: number;
  readonly #reportingInstance: string;

  constructor(options: KubeClusterClientOptions) {
    this.clusterId = options.clusterId;
    this.requests = options.counter ?? new RequestCounter();
    this.#agent = options.agent;
    this.#tokenSource = options.tokenSource;
    this.#pageSize = options.listPageSize ?? 500;
    this.#reportingInstance = options.reportingInstance ?? 'fleet-secrets-control-plane';
    const transport = new ClusterTransport({
      clusterId: options.clusterId,
      agent: options.agent,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      counter: this.requests,
    });
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(options.endpoint.replace(/\/+$/, ''), {}),
      authMethods: { default: options.authentication },
      httpApi: transport.asHttpLibrary(),
    });
    this.#core = new CoreV1Api(configuration);
    this.#custom = new CustomObjectsApi(configuration);
    this.#authz = new AuthorizationV1Api(configuration);
    this.#version = new VersionApi(configuration);
  }

  async listManagedSecrets(opts: { labelSelector: string; namespace?: string }): Promise<LiveSecretMeta[]> {
    const where = opts.namespace ? `in namespace ${opts.namespace}` : 'in all namespaces';
    return this.#listSecretMeta(`list secrets ${where} (${opts.labelSelector})`, {
      namespace: opts.namespace,
      labelSelector: opts.labelSelector,
    });
  }

  /**
   * Metadata of one Secret, or undefined when it does not exist. A field-selector LIST rather than
   * a GET: the control plane's RBAC has `list` on Secrets but no `get`.
   */
  async getSecretMeta(
    namespace: string,
    name: string,
    filter: SecretTypeFilter = {},
  ): Promise<LiveSecretMeta | undefined> {
    const selectors = [
      `metadata.name=${name}`,
      ...(filter.type === undefined ? [] : [`type=${filter.type}`]),
      ...(filter.notTypes ?? []).map((type) => `type!=${type}`),
    ];
    const found = await this.#listSecretMeta(`look up secret ${namespace}/${name}`, {
      namespace,
      fieldSelector: selectors.join(','),
    });
    return found[0];
  }

  async applySecret(
    secret: SecretManifest,
    opts: { fieldManager: string },
  ): Promise<{ resourceVersion: string; uid: string }> {
    const metadata: Record<string, unknown> = {
      name: secret.name,
      namespace: secret.namespace,
      labels: secret.labels,
      annotations: secret.annotations,
    };
    if (secret.ownerReferences?.length) metadata.ownerReferences = secret.ownerReferences;
    const body: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata,
      data: secret.data,
    };
    if (secret.type) body.type = secret.type;
    // Only claim the field when it is set: a false here would be ours to keep forever.
    if (secret.immutable) body.immutable = true;
    const secretValues = valuesSentIn(secret);
    const result = await this.#call(
      `apply secret ${secret.namespace}/${secret.name}`,
      () =>
        this.#core.patchNamespacedSecret(
          {
            name: secret.name,
            namespace: secret.namespace,
            body,
            fieldManager: opts.fieldManager,
            // We are the only writer of the fields we apply; take them back from any kubectl edit.
            force: true,
          },
          headers({ 'Content-Type': PatchStrategy.ServerSideApply, Accept: PARTIAL_OBJECT }),
        ),
      secretValues,
    );
    return { resourceVersion: result.metadata?.resourceVersion ?? '', uid: result.metadata?.uid ?? '' };
  }

  /** Deletes a Secret; one that is already gone counts as deleted. */
  async deleteSecret(namespace: string, name: string): Promise<void> {
    try {
      await this.#call(`delete secret ${namespace}/${name}`, () =>
        this.#core.deleteNamespacedSecret({ name, namespace }, headers({ Accept: PARTIAL_OBJECT })),
      );
    } catch (error) {
      if (error instanceof KubeNotFoundError) return;
      throw error;
    }
  }

  async getCustomObject(kind: CustomKind, namespace: string | undefined, name: string): Promise<unknown> {
    const { plural, namespaced } = PLURALS[kind];
    const where = namespaced ? `${namespace}/${name}` : name;
    try {
      return await this.#call(`get ${plural} ${where}`, () =>
        namespaced
          ? this.#custom.getNamespacedCustomObject({
              group: API_GROUP,
              version: API_VERSION,
              plural,
              namespace: requireNamespace(kind, namespace),
              name,
            })
          : this.#custom.getClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural, name }),
      );
    } catch (error) {
      if (error instanceof KubeNotFoundError) return undefined;
      throw error;
    }
  }

  async listCustomObjects(kind: CustomKind, namespace?: string): Promise<unknown[]> {
    const { plural, namespaced } = PLURALS[kind];
    const items: unknown[] = [];
    let next: string | undefined;
    do {
      const page = (await this.#call(`list ${plural}${namespace ? ` in namespace ${namespace}` : ''}`, () =>
        namespaced && namespace
          ? this.#custom.listNamespacedCustomObject({
              group: API_GROUP,
              version: API_VERSION,
              plural,
              namespace,
              limit: this.#pageSize,
              _continue: next,
            })
          : this.#custom.listClusterCustomObject({
              group: API_GROUP,
              version: API_VERSION,
              plural,
              limit: this.#pageSize,
              _continue: next,
            }),
      )) as { items?: unknown[]; metadata?: { _continue?: string; continue?: string } };
      items.push(...(page.items ?? []));
      next = page.metadata?.continue || page.metadata?._continue || undefined;
    } while (next);
    return items;
  }

  async patchExternalSecretStatus(
    namespace: string,
    name: string,
    status: ExternalSecretStatus,
  ): Promise<void> {
    await this.#call(`patch externalsecrets/status ${namespace}/${name}`, () =>
      this.#custom.patchNamespacedCustomObjectStatus(
        {
          group: API_GROUP,
          version: API_VERSION,
          plural: PLURALS.ExternalSecret.plural,
          namespace,
          name,
          body: { status },
        },
        headers({ 'Content-Type': PatchStrategy.MergePatch }),
      ),
    );
  }

  async createEvent(event: KubeEvent): Promise<void> {
    const now = new Date();
    const involved = event.involvedObject;
    await this.#call(`create event for ${involved.kind} ${event.namespace}/${involved.name}`, () =>
      this.#core.createNamespacedEvent({
        namespace: event.namespace,
        body: {
          metadata: {
            // kubectl's naming: <object>.<unique suffix>
            name: `${involved.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
            namespace: event.namespace,
          },
          involvedObject: { ...involved },
          type: event.type,
          reason: event.reason,
          // The API server caps Event messages at 1 KiB.
          message: event.message.slice(0, 1024),
          source: { component: 'fleet-secrets' },
          reportingComponent: 'fleet-secrets.io/control-plane',
          reportingInstance: this.#reportingInstance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      }),
    );
  }

  async listNamespaces(): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const items: Array<{ name: string; labels: Record<string, string> }> = [];
    let next: string | undefined;
    do {
      const page = await this.#call('list namespaces', () =>
        this.#core.listNamespace(
          { limit: this.#pageSize, _continue: next },
          headers({ Accept: PARTIAL_LIST }),
        ),
      );
      for (const item of page.items ?? []) {
        if (item.metadata?.name) items.push({ name: item.metadata.name, labels: item.metadata.labels ?? {} });
      }
      next = page.metadata?._continue || undefined;
    } while (next);
    return items;
  }

  async reviewAccessRules(namespace: string): Promise<AccessReview> {
    const review = await this.#call(`review access rules in namespace ${namespace}`, () =>
      this.#authz.createSelfSubjectRulesReview({
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
      }),
    );
    return {
      rules: (review.status?.resourceRules ?? []).map((rule) => ({
        verbs: rule.verbs ?? [],
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
      })),
      incomplete: review.status?.incomplete === true,
    };
  }

  async canI(namespace: string, need: AccessNeed): Promise<boolean> {
    const [resource, subresource] = need.resource.split('/');
    const review = await this.#call(
      `review access to ${need.verb} ${need.resource} in namespace ${namespace}`,
      () =>
        this.#authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                namespace,
                group: need.apiGroup,
                resource,
                verb: need.verb,
                ...(subresource ? { subresource } : {}),
              },
            },
          },
        }),
    );
    return review.status?.allowed === true;
  }

  async serverVersion(): Promise<string> {
    const info = await this.#call('get version', () => this.#version.getCode());
    return info.gitVersion;
  }

  /** Closes idle keep-alive sockets (tests; a Lambda just freezes them). */
  close(): void {
    this.#agent.destroy();
  }

  async #listSecretMeta(
    action: string,
    query: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Promise<LiveSecretMeta[]> {
    const out: LiveSecretMeta[] = [];
    let next: string | undefined;
    do {
      const params = {
        labelSelector: query.labelSelector,
        fieldSelector: query.fieldSelector,
        limit: this.#pageSize,
        _continue: next,
      };
      const page = await this.#call(action, () =>
        query.namespace
          ? this.#core.listNamespacedSecret(
              { ...params, namespace: query.namespace },
              headers({ Accept: PARTIAL_LIST }),
            )
          : this.#core.listSecretForAllNamespaces(params, headers({ Accept: PARTIAL_LIST })),
      );
      // Guard the promise this adapter makes: if a server ever ignored the Accept header we would be
      // holding Secret data, so refuse the answer instead.
      if (page.kind !== 'PartialObjectMetadataList') {
        throw new Error(`${action}: expected PartialObjectMetadataList, got ${page.kind ?? 'no kind'}`);
      }
      for (const item of page.items ?? []) out.push(toLiveSecretMeta(item.metadata));
      next = page.metadata?._continue || undefined;
    } while (next);
    return out;
  }

  /** Runs one API call with typed errors, retrying once after a 401 when the token can be refreshed. */
  async #call<T>(action: string, fn: () => Promise<T>, secretValues?: readonly string[]): Promise<T> {
    try {
      return await fn();
    } catch (first) {
      const error = toKubeError(first, { clusterId: this.clusterId, action, secretValues });
      if (!(error instanceof KubeUnauthorizedError) || !this.#tokenSource) throw error;
      this.#tokenSource.invalidate();
      try {
        return await fn();
      } catch (second) {
        throw toKubeError(second, { clusterId: this.clusterId, action, secretValues });
      }
    }
  }
}

/**
 * What an error about this write must not repeat: the data (base64 and decoded) and the labels and
 * annotations a template may have filled from it (templateFrom can make keys of values, too). Our
 * own fleet-secrets.io/* metadata names objects, not values, and would only blank out ordinary
 * words of a message.
 */
function valuesSentIn(secret: SecretManifest): string[] {
  const data = Object.values(secret.data).flatMap((b64) => [
    b64,
    Buffer.from(b64, 'base64').toString('utf8'),
  ]);
  const metadata = [secret.labels, secret.annotations].flatMap((map) =>
    Object.entries(map).flatMap(([key, value]) => (isReservedMetadataKey(key) ? [] : [key, value])),
  );
  return [...data, ...metadata];
}

function headers(values: Record<string, string>): ConfigurationOptions {
  let options: ConfigurationOptions | undefined;
  for (const [key, value] of Object.entries(values)) options = setHeaderOptions(key, value, options);
  return options as ConfigurationOptions;
}

function requireNamespace(kind: CustomKind, namespace: string | undefined): string {
  if (!namespace) throw new Error(`${kind} is namespaced: a namespace is required`);
  return namespace;
}

function toLiveSecretMeta(meta: V1ObjectMeta | undefined): LiveSecretMeta {
  return {
    namespace: meta?.namespace ?? '',
    name: meta?.name ?? '',
    uid: meta?.uid ?? '',
    resourceVersion: meta?.resourceVersion ?? '',
    labels: meta?.labels ?? {},
    annotations: meta?.annotations ?? {},
    ...(meta?.ownerReferences?.length
      ? {
          ownerReferences: meta.ownerReferences.map((o) => ({
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.name,
            uid: o.uid,
            ...(o.controller === undefined ? {} : { controller: o.controller }),
          })),
        }
      : {}),
  };
}
