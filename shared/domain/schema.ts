/**
 * The one schema source of the fleet-secrets API (fleet-secrets.io/v1). TypeBox gives, from these
 * definitions, the TypeScript types (Static<>), the runtime validator (validate.ts) and the CRD
 * openAPIV3Schema (crds.ts). Field names and meanings follow External Secrets Operator so its
 * users feel at home; docs/api.md lists every field and every deliberate difference.
 *
 * Rules JSON Schema cannot say (one field depends on another) live twice, on purpose: as CEL
 * `x-kubernetes-validations` here, so the apiserver rejects a bad object at `kubectl apply`, and
 * in validate.ts, so the control plane rejects it too (central kinds never meet an apiserver).
 */
import { type Static, Type as T, type TLiteral, type TUnion } from '@sinclair/typebox';

export const API_GROUP = 'fleet-secrets.io';
export const API_VERSION = 'v1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** Kubernetes Secret keys: what the apiserver accepts in `data`. */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
/** RFC 1123 subdomain: names of Secrets and of our objects. */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/**
 * Go `time.ParseDuration` syntax without a sign ("0", "90s", "1h30m", "1.5h"). The validator also
 * runs parseDuration; this pattern lets the apiserver reject the common typos on its own.
 */
export const GO_DURATION_PATTERN = '^\\+?(0|(([0-9]+\\.?[0-9]*|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';
/** A Secret type that makes the token controller mint a ServiceAccount token into it: never rendered. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';

type Cel = { rule: string; message: string };
const cel = (...rules: Cel[]) => ({ 'x-kubernetes-validations': rules });

function StringEnum<const V extends readonly [string, ...string[]]>(
  values: V,
  options: { description?: string; default?: V[number] } = {},
): TUnion<TLiteral<V[number]>[]> {
  return T.Union(
    values.map((v) => T.Literal(v)),
    options,
  );
}

const StringMap = (description?: string) =>
  T.Record(T.String(), T.String(), description ? { description } : {});

const labelSelector = (description: string) =>
  T.Object(
    {
      matchLabels: T.Optional(StringMap('Labels that must all be present with these values.')),
      matchExpressions: T.Optional(
        T.Array(
          T.Object(
            {
              key: T.String({ minLength: 1 }),
              operator: StringEnum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
              values: T.Optional(T.Array(T.String())),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    },
    { additionalProperties: false, description },
  );

export const LabelSelector = labelSelector(
  'A Kubernetes label selector; all requirements must hold ({} matches everything).',
);
export type LabelSelector = Static<typeof LabelSelector>;

export const DecodingStrategy = StringEnum(['None', 'Base64', 'Base64URL', 'Auto'], {
  description: 'How to decode the fetched value before it is stored (default None).',
});
export type DecodingStrategy = Static<typeof DecodingStrategy>;
export const MetadataPolicy = StringEnum(['None', 'Fetch'], {
  description: 'Fetch reads the secret tags/metadata instead of its value (default None).',
});
export type MetadataPolicy = Static<typeof MetadataPolicy>;
export const ConversionStrategy = StringEnum(['Default', 'Unicode'], {
  description: 'How keys that are not valid Secret keys are rewritten (default Default: replaced by "_").',
});
export type ConversionStrategy = Static<typeof ConversionStrategy>;

export const RemoteRef = T.Object(
  {
    key: T.String({ minLength: 1, description: 'Name or path of the secret in the store.' }),
    property: T.Optional(
      T.String({
        description:
          'A path into the JSON value ("a.b", "list.0", "key\\.with\\.dots"); a key that contains dots is tried literally first.',
      }),
    ),
    version: T.Optional(
      T.String({ description: 'Version id or stage (AWSCURRENT, AWSPREVIOUS) or Vault KV version.' }),
    ),
    decodingStrategy: T.Optional(DecodingStrategy),
    metadataPolicy: T.Optional(MetadataPolicy),
    conversionStrategy: T.Optional(ConversionStrategy),
  },
  { additionalProperties: false },
);
export type RemoteRef = Static<typeof RemoteRef>;

export const StoreRef = T.Object(
  {
    name: T.String({ minLength: 1, description: 'Name of a central store.' }),
    /** Both kinds name a central store; ClusterSecretStore is accepted so ESO manifests port as-is. */
    kind: T.Optional(
      StringEnum(['SecretStore', 'ClusterSecretStore'], {
        description: 'Accepted for ESO compatibility; both name a central store.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StoreRef = Static<typeof StoreRef>;

const SourceRef = T.Object(
  { storeRef: T.Optional(StoreRef) },
  {
    additionalProperties: false,
    description: 'Reads this entry from another store than spec.secretStoreRef.',
  },
);

export const DataItem = T.Object(
  {
    secretKey: T.String({
      minLength: 1,
      maxLength: 253,
      pattern: SECRET_KEY_PATTERN,
      description: 'Key in the target Secret.',
    }),
    remoteRef: RemoteRef,
    sourceRef: T.Optional(SourceRef),
  },
  { additionalProperties: false },
);
export type DataItem = Static<typeof DataItem>;

export const FindRef = T.Object(
  {
    path: T.Optional(T.String({ description: 'Only secrets whose name starts with this prefix.' })),
    name: T.Optional(
      T.Object(
        { regexp: T.String({ minLength: 1, description: 'Regular expression the secret name must match.' }) },
        { additionalProperties: false },
      ),
    ),
    tags: T.Optional(StringMap('Tags the secret must carry with these values.')),
    decodingStrategy: T.Optional(DecodingStrategy),
    conversionStrategy: T.Optional(ConversionStrategy),
  },
  {
    additionalProperties: false,
    ...cel({ rule: 'has(self.path) || has(self.name) || has(self.tags)', message: 'set path, name or tags' }),
  },
);
export type FindRef = Static<typeof FindRef>;

/**
 * Kept as a TypeBox union for precise TypeScript narrowing; crds.ts folds it into one object with
 * an "exactly one" CEL rule because structural CRD schemas cannot hold unions of objects.
 */
export const Rewrite = T.Union([
  T.Object(
    {
      regexp: T.Object(
        {
          source: T.String({ minLength: 1, description: 'Regular expression matched against each key.' }),
          target: T.String({ description: 'Replacement; $1, $name and their braced forms refer to groups.' }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      transform: T.Object(
        { template: T.String({ minLength: 1, description: 'Template evaluated with .value = the key.' }) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type Rewrite = Static<typeof Rewrite>;

export const DataFromItem = T.Object(
  {
    extract: T.Optional(RemoteRef),
    find: T.Optional(FindRef),
    rewrite: T.Optional(T.Array(Rewrite, { description: 'Applied in order to every key found.' })),
    sourceRef: T.Optional(SourceRef),
  },
  {
    additionalProperties: false,
    ...cel({ rule: 'has(self.extract) != has(self.find)', message: 'set exactly one of extract or find' }),
  },
);
export type DataFromItem = Static<typeof DataFromItem>;

export const TemplateFrom = T.Object(
  {
    literal: T.Optional(
      T.String({ description: 'A template whose output is a YAML map of key: value pairs.' }),
    ),
    target: T.Optional(
      StringEnum(['Data', 'Annotations', 'Labels'], {
        description: 'Where the pairs go (default Data).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TemplateFrom = Static<typeof TemplateFrom>;

export const Template = T.Object(
  {
    type: T.Optional(T.String({ minLength: 1, description: 'Secret type (default Opaque).' })),
    engineVersion: T.Optional(T.Literal('v2', { description: 'Only v2 (ESO default) exists.' })),
    mergePolicy: T.Optional(
      StringEnum(['Replace', 'Merge'], {
        description:
          'Replace: only templated keys; Merge: fetched keys plus templated keys (default Replace).',
      }),
    ),
    metadata: T.Optional(
      T.Object(
        {
          labels: T.Optional(StringMap('Labels of the Secret; values are templates.')),
          annotations: T.Optional(StringMap('Annotations of the Secret; values are templates.')),
        },
        { additionalProperties: false },
      ),
    ),
    data: T.Optional(StringMap('Secret keys and the templates that produce their values.')),
    templateFrom: T.Optional(T.Array(TemplateFrom)),
  },
  {
    additionalProperties: false,
    ...cel({
      rule: `!has(self.type) || self.type != '${SERVICE_ACCOUNT_TOKEN_TYPE}'`,
      message: 'a Secret of this type would have a ServiceAccount token minted into it',
    }),
  },
);
export type Template = Static<typeof Template>;

export const CreationPolicy = StringEnum(['Owner', 'Orphan', 'Merge', 'None'], {
  description:
    'Owner: create and own the Secret; Orphan: create, keep on deletion; Merge: add keys to an existing Secret; None: never write (default Owner).',
});
export type CreationPolicy = Static<typeof CreationPolicy>;
export const DeletionPolicy = StringEnum(['Retain', 'Delete', 'Merge'], {
  description:
    'When the provider no longer has the data: Retain keeps the Secret, Delete removes it, Merge removes only our keys (default Retain).',
});
export type DeletionPolicy = Static<typeof DeletionPolicy>;

export const Target = T.Object(
  {
    name: T.Optional(
      T.String({
        minLength: 1,
        maxLength: 253,
        pattern: DNS_SUBDOMAIN_PATTERN,
        description: 'Name of the Secret (default: the ExternalSecret name).',
      }),
    ),
    creationPolicy: T.Optional(CreationPolicy),
    deletionPolicy: T.Optional(DeletionPolicy),
    immutable: T.Optional(T.Boolean({ description: 'Create the Secret immutable.' })),
    template: T.Optional(Template),
  },
  {
    additionalProperties: false,
    ...cel(
      {
        rule: "!has(self.deletionPolicy) || self.deletionPolicy != 'Delete' || !has(self.creationPolicy) || self.creationPolicy == 'Owner'",
        message: 'deletionPolicy Delete needs creationPolicy Owner',
      },
      {
        rule: "!has(self.deletionPolicy) || self.deletionPolicy != 'Merge' || !has(self.creationPolicy) || self.creationPolicy != 'None'",
        message: 'deletionPolicy Merge cannot be used with creationPolicy None',
      },
    ),
  },
);
export type Target = Static<typeof Target>;

export const RefreshPolicy = StringEnum(['Periodic', 'CreatedOnce', 'OnChange'], {
  description:
    'Periodic: every refreshInterval; CreatedOnce: once, when the Secret is created; OnChange: when the spec changes (default Periodic).',
});
export type RefreshPolicy = Static<typeof RefreshPolicy>;

export const ExternalSecretSpec = T.Object(
  {
    secretStoreRef: T.Optional(StoreRef),
    refreshInterval: T.Optional(
      T.String({
        pattern: GO_DURATION_PATTERN,
        description: 'Go duration between refreshes ("1h", "15m", "0" = never) (default 1h).',
      }),
    ),
    refreshPolicy: T.Optional(RefreshPolicy),
    target: T.Optional(Target),
    data: T.Optional(
      T.Array(DataItem, {
        description: 'One Secret key per entry.',
        // The apiserver then rejects duplicate secretKeys itself, and server-side apply merges by key.
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['secretKey'],
      }),
    ),
    dataFrom: T.Optional(T.Array(DataFromItem, { description: 'Many Secret keys per entry.' })),
  },
  {
    additionalProperties: false,
    ...cel({
      rule: '(has(self.data) && size(self.data) > 0) || (has(self.dataFrom) && size(self.dataFrom) > 0)',
      message: 'data or dataFrom required',
    }),
  },
);
export type ExternalSecretSpec = Static<typeof ExternalSecretSpec>;

export const Condition = T.Object({
  type: T.String(),
  status: StringEnum(['True', 'False', 'Unknown']),
  reason: T.Optional(T.String()),
  message: T.Optional(T.String()),
  lastTransitionTime: T.Optional(T.String()),
});
export type Condition = Static<typeof Condition>;

export const ExternalSecretStatus = T.Object({
  conditions: T.Optional(T.Array(Condition)),
  refreshTime: T.Optional(T.String({ description: 'When the Secret was last written or confirmed.' })),
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
  labels: T.Optional(StringMap()),
  annotations: T.Optional(StringMap()),
});
export type ObjectMeta = Static<typeof ObjectMeta>;

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
    externalSecretName: T.Optional(
      T.String({
        minLength: 1,
        maxLength: 253,
        pattern: DNS_SUBDOMAIN_PATTERN,
        description: 'Name of the ExternalSecret made in each namespace (default: this object name).',
      }),
    ),
    namespaceSelectors: T.Optional(
      T.Array(LabelSelector, { description: 'Namespaces matching any of these selectors.' }),
    ),
    namespaceSelector: T.Optional(
      labelSelector('Deprecated in ESO: one selector; prefer namespaceSelectors.'),
    ),
    namespaces: T.Optional(T.Array(T.String({ minLength: 1 }), { description: 'Namespaces by name.' })),
    refreshTime: T.Optional(
      T.String({ pattern: GO_DURATION_PATTERN, description: 'How often namespaces are re-evaluated.' }),
    ),
  },
  {
    additionalProperties: false,
    ...cel({
      rule: 'has(self.namespaces) || has(self.namespaceSelectors) || has(self.namespaceSelector)',
      message: 'set namespaces, namespaceSelectors or namespaceSelector',
    }),
  },
);
export type ClusterExternalSecretSpec = Static<typeof ClusterExternalSecretSpec>;
export const ClusterExternalSecret = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('ClusterExternalSecret'),
  metadata: ObjectMeta,
  spec: ClusterExternalSecretSpec,
  status: T.Optional(
    T.Object({
      conditions: T.Optional(T.Array(Condition)),
      provisionedNamespaces: T.Optional(T.Array(T.String())),
      failedNamespaces: T.Optional(
        T.Array(T.Object({ namespace: T.String(), reason: T.Optional(T.String()) })),
      ),
    }),
  ),
});
export type ClusterExternalSecret = Static<typeof ClusterExternalSecret>;

/** Central kinds: kept in the control plane, never applied in a cluster. */
export const AccessPolicy = T.Object(
  {
    clusterSelector: T.Optional(
      labelSelector('Clusters (by registration labels) that may read; absent = none, {} = all.'),
    ),
    namespaces: T.Optional(
      T.Array(T.String({ minLength: 1 }), {
        description: 'Namespace names or globs ("team-*") that may read; absent = none.',
      }),
    ),
    keys: T.Optional(
      T.Array(T.String({ minLength: 1 }), {
        description: 'Key globs that may be read ("app/*", "app/**", "*"); absent = none.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AccessPolicy = Static<typeof AccessPolicy>;

export const AwsSecretsManagerProvider = T.Object(
  {
    region: T.String({ minLength: 1, pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' }),
    role: T.Optional(
      T.String({
        minLength: 1,
        pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$',
        description: 'IAM role ARN to assume for reads.',
      }),
    ),
    externalId: T.Optional(T.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type AwsSecretsManagerProvider = Static<typeof AwsSecretsManagerProvider>;

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
export type VaultAuth = Static<typeof VaultAuth>;

export const VaultProvider = T.Object(
  {
    server: T.String({ minLength: 1, description: 'Vault address, e.g. https://vault.example:8200.' }),
    path: T.String({ minLength: 1, description: 'Mount path of the KV engine, e.g. "secret".' }),
    version: T.Optional(StringEnum(['v1', 'v2'], { description: 'KV engine version (default v2).' })),
    namespace: T.Optional(T.String()),
    caBundle: T.Optional(T.String()),
    auth: VaultAuth,
  },
  { additionalProperties: false },
);
export type VaultProvider = Static<typeof VaultProvider>;

/**
 * Dev mode only: values from a local YAML/JSON file (key -> string or JSON object). The AWS runtime
 * refuses stores that use it, so a file on a laptop can never become a production source.
 */
export const FileProvider = T.Object(
  {
    path: T.String({
      minLength: 1,
      description: "Path of the YAML or JSON file on the dev-mode control plane's disk.",
    }),
  },
  { additionalProperties: false },
);
export type FileProvider = Static<typeof FileProvider>;

export const SecretStoreSpec = T.Object(
  {
    provider: T.Object(
      {
        awsSecretsManager: T.Optional(AwsSecretsManagerProvider),
        vault: T.Optional(VaultProvider),
        file: T.Optional(FileProvider),
      },
      {
        additionalProperties: false,
        ...cel({
          rule: '(has(self.awsSecretsManager) ? 1 : 0) + (has(self.vault) ? 1 : 0) + (has(self.file) ? 1 : 0) == 1',
          message: 'set exactly one provider',
        }),
      },
    ),
    accessPolicy: T.Optional(AccessPolicy),
    mergeRequiresOptIn: T.Optional(
      T.Boolean({
        description:
          'creationPolicy Merge writes only into Secrets annotated fleet-secrets.io/allow-merge: "true" (default false, as ESO).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SecretStoreSpec = Static<typeof SecretStoreSpec>;
export const SecretStore = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('SecretStore'),
  metadata: ObjectMeta,
  spec: SecretStoreSpec,
});
export type SecretStore = Static<typeof SecretStore>;

export const FleetExternalSecretSpec = T.Object(
  {
    clusterSelector: T.Optional(labelSelector('Clusters to land in; absent or {} = every cluster.')),
    namespaceSelector: T.Optional(labelSelector('Namespaces by labels.')),
    namespaces: T.Optional(T.Array(T.String({ minLength: 1 }), { description: 'Namespaces by name.' })),
    externalSecretName: T.Optional(
      T.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN }),
    ),
    externalSecretSpec: ExternalSecretSpec,
  },
  {
    additionalProperties: false,
    ...cel({
      rule: 'has(self.namespaces) || has(self.namespaceSelector)',
      message: 'set namespaces or namespaceSelector',
    }),
  },
);
export type FleetExternalSecretSpec = Static<typeof FleetExternalSecretSpec>;
export const FleetExternalSecret = T.Object({
  apiVersion: T.Literal(API_GROUP_VERSION),
  kind: T.Literal('FleetExternalSecret'),
  metadata: ObjectMeta,
  spec: FleetExternalSecretSpec,
});
export type FleetExternalSecret = Static<typeof FleetExternalSecret>;
