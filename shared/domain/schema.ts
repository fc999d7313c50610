/**
 * The one schema source of the fleet-secrets API (fleet-secrets.io/v1). TypeBox gives, from these
 * definitions, the TypeScript types (Static<>), the runtime validator and the CRD openAPIV3Schema.
 * Field names and meanings follow External Secrets Operator so its users feel at home.
 */
import { type Static, Type as T } from '@sinclair/typebox';

export const API_GROUP = 'fleet-secrets.io';
export const API_VERSION = 'v1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

const StringMap = T.Record(T.String(), T.String());

export const LabelSelector = T.Object(
  {
    matchLabels: T.Optional(StringMap),
    matchExpressions: T.Optional(
      T.Array(
        T.Object({
          key: T.String({ minLength: 1 }),
          operator: T.Union([
            T.Literal('In'),
            T.Literal('NotIn'),
            T.Literal('Exists'),
            T.Literal('DoesNotExist'),
          ]),
          values: T.Optional(T.Array(T.String())),
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type LabelSelector = Static<typeof LabelSelector>;

export const DecodingStrategy = T.Union([
  T.Literal('None'),
  T.Literal('Base64'),
  T.Literal('Base64URL'),
  T.Literal('Auto'),
]);
export const MetadataPolicy = T.Union([T.Literal('None'), T.Literal('Fetch')]);
export const ConversionStrategy = T.Union([T.Literal('Default'), T.Literal('Unicode')]);

export const RemoteRef = T.Object(
  {
    key: T.String({ minLength: 1 }),
    property: T.Optional(T.String()),
    version: T.Optional(T.String()),
    decodingStrategy: T.Optional(DecodingStrategy),
    metadataPolicy: T.Optional(MetadataPolicy),
    conversionStrategy: T.Optional(ConversionStrategy),
  },
  { additionalProperties: false },
);
export type RemoteRef = Static<typeof RemoteRef>;

export const StoreRef = T.Object(
  {
    name: T.String({ minLength: 1 }),
    /** Both kinds name a central store; ClusterSecretStore is accepted so ESO manifests port as-is. */
    kind: T.Optional(T.Union([T.Literal('SecretStore'), T.Literal('ClusterSecretStore')])),
  },
  { additionalProperties: false },
);

export const DataItem = T.Object(
  {
    secretKey: T.String({ minLength: 1 }),
    remoteRef: RemoteRef,
    sourceRef: T.Optional(T.Object({ storeRef: T.Optional(StoreRef) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type DataItem = Static<typeof DataItem>;

export const FindRef = T.Object(
  {
    path: T.Optional(T.String()),
    name: T.Optional(T.Object({ regexp: T.String({ minLength: 1 }) }, { additionalProperties: false })),
    tags: T.Optional(StringMap),
    decodingStrategy: T.Optional(DecodingStrategy),
    conversionStrategy: T.Optional(ConversionStrategy),
  },
  { additionalProperties: false },
);

export const Rewrite = T.Union([
  T.Object(
    { regexp: T.Object({ source: T.String(), target: T.String() }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
  T.Object(
    { transform: T.Object({ template: T.String() }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
]);

export const DataFromItem = T.Object(
  {
    extract: T.Optional(RemoteRef),
    find: T.Optional(FindRef),
    rewrite: T.Optional(T.Array(Rewrite)),
    sourceRef: T.Optional(T.Object({ storeRef: T.Optional(StoreRef) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type DataFromItem = Static<typeof DataFromItem>;

export const TemplateFrom = T.Object(
  {
    literal: T.Optional(T.String()),
    target: T.Optional(T.Union([T.Literal('Data'), T.Literal('Annotations'), T.Literal('Labels')])),
  },
  { additionalProperties: false },
);

export const Template = T.Object(
  {
    type: T.Optional(T.String()),
    engineVersion: T.Optional(T.Literal('v2')),
    mergePolicy: T.Optional(T.Union([T.Literal('Replace'), T.Literal('Merge')])),
    metadata: T.Optional(
      T.Object(
        { labels: T.Optional(StringMap), annotations: T.Optional(StringMap) },
        { additionalProperties: false },
      ),
    ),
    data: T.Optional(StringMap),
    templateFrom: T.Optional(T.Array(TemplateFrom)),
  },
  { additionalProperties: false },
);
export type Template = Static<typeof Template>;

export const Target = T.Object(
  {
    name: T.Optional(T.String({ minLength: 1, maxLength: 253 })),
    creationPolicy: T.Optional(
      T.Union([T.Literal('Owner'), T.Literal('Orphan'), T.Literal('Merge'), T.Literal('None')]),
    ),
    deletionPolicy: T.Optional(T.Union([T.Literal('Retain'), T.Literal('Delete'), T.Literal('Merge')])),
    immutable: T.Optional(T.Boolean()),
    template: T.Optional(Template),
  },
  { additionalProperties: false },
);
export type Target = Static<typeof Target>;

export const ExternalSecretSpec = T.Object(
  {
    secretStoreRef: T.Optional(StoreRef),
    refreshInterval: T.Optional(T.String()),
    refreshPolicy: T.Optional(
      T.Union([T.Literal('Periodic'), T.Literal('CreatedOnce'), T.Literal('OnChange')]),
    ),
    target: T.Optional(Target),
    data: T.Optional(T.Array(DataItem)),
    dataFrom: T.Optional(T.Array(DataFromItem)),
  },
  { additionalProperties: false },
);
export type ExternalSecretSpec = Static<typeof ExternalSecretSpec>;

export const Condition = T.Object({
  type: T.String(),
  status: T.Union([T.Literal('True'), T.Literal('False'), T.Literal('Unknown')]),
  reason: T.Optional(T.String()),
  message: T.Optional(T.String()),
  lastTransitionTime: T.Optional(T.String()),
});
export type Condition = Static<typeof Condition>;

export const ExternalSecretStatus = T.Object({
  conditions: T.Optional(T.Array(Condition)),
  refreshTime: T.Optional(T.String()),
  syncedResourceVersion: T.Optional(T.String()),
  binding: T.Optional(T.Object({ name: T.Optional(T.String()) })),
});
export type ExternalSecretStatus = Static<typeof ExternalSecretStatus>;

export const ObjectMeta = T.Object({
  name: T.String({ minLength: 1, maxLength: 253 }),
  namespace: T.Optional(T.String()),
  uid: T.Optional(T.String()),
  resourceVersion: T.Optional(T.String()),
  generation: T.Optional(T.Integer()),
  labels: T.Optional(StringMap),
  annotations: T.Optional(StringMap),
});

export const ExternalSecret = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('ExternalSecret'),
  metadata: ObjectMeta,
  spec: ExternalSecretSpec,
  status: T.Optional(ExternalSecretStatus),
});
export type ExternalSecret = Static<typeof ExternalSecret>;

export const ClusterExternalSecretSpec = T.Object(
  {
    externalSecretSpec: ExternalSecretSpec,
    externalSecretName: T.Optional(T.String()),
    namespaceSelectors: T.Optional(T.Array(LabelSelector)),
    namespaces: T.Optional(T.Array(T.String())),
    refreshTime: T.Optional(T.String()),
  },
  { additionalProperties: false },
);
export const ClusterExternalSecret = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('ClusterExternalSecret'),
  metadata: ObjectMeta,
  spec: ClusterExternalSecretSpec,
  status: T.Optional(T.Object({ conditions: T.Optional(T.Array(Condition)) })),
});
export type ClusterExternalSecret = Static<typeof ClusterExternalSecret>;

/** Central kinds: kept in the control plane, never applied in a cluster. */
export const AccessPolicy = T.Object(
  {
    clusterSelector: T.Optional(LabelSelector),
    namespaces: T.Optional(T.Array(T.String({ minLength: 1 }))),
    keys: T.Optional(T.Array(T.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);
export type AccessPolicy = Static<typeof AccessPolicy>;

export const AwsSecretsManagerProvider = T.Object(
  {
    region: T.String({ minLength: 1 }),
    role: T.Optional(T.String({ minLength: 1 })),
    externalId: T.Optional(T.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const VaultAuth = T.Union([
  T.Object(
    { tokenSecretRef: T.Object({ key: T.String({ minLength: 1 }) }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
  T.Object(
    {
      appRole: T.Object(
        {
          path: T.Optional(T.String()),
          roleId: T.String({ minLength: 1 }),
          secretRef: T.Object({ key: T.String({ minLength: 1 }) }, { additionalProperties: false }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      iam: T.Object(
        {
          path: T.Optional(T.String()),
          role: T.String({ minLength: 1 }),
          region: T.Optional(T.String()),
          serverIdHeader: T.Optional(T.String()),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);

export const VaultProvider = T.Object(
  {
    server: T.String({ minLength: 1 }),
    path: T.String({ minLength: 1 }),
    version: T.Optional(T.Union([T.Literal('v1'), T.Literal('v2')])),
    namespace: T.Optional(T.String()),
    caBundle: T.Optional(T.String()),
    auth: VaultAuth,
  },
  { additionalProperties: false },
);

export const SecretStoreSpec = T.Object(
  {
    provider: T.Object(
      { awsSecretsManager: T.Optional(AwsSecretsManagerProvider), vault: T.Optional(VaultProvider) },
      { additionalProperties: false },
    ),
    accessPolicy: T.Optional(AccessPolicy),
  },
  { additionalProperties: false },
);
export const SecretStore = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('SecretStore'),
  metadata: ObjectMeta,
  spec: SecretStoreSpec,
});
export type SecretStore = Static<typeof SecretStore>;

export const FleetExternalSecretSpec = T.Object(
  {
    clusterSelector: T.Optional(LabelSelector),
    namespaceSelector: T.Optional(LabelSelector),
    namespaces: T.Optional(T.Array(T.String({ minLength: 1 }))),
    externalSecretName: T.Optional(T.String()),
    externalSecretSpec: ExternalSecretSpec,
  },
  { additionalProperties: false },
);
export const FleetExternalSecret = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('FleetExternalSecret'),
  metadata: ObjectMeta,
  spec: FleetExternalSecretSpec,
});
export type FleetExternalSecret = Static<typeof FleetExternalSecret>;
