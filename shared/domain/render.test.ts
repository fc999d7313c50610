import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FindQuery, ReadRequest, SecretPayload } from '../ports/secret-provider.js';
import { computeDataHmac } from './hmac.js';
import { MANAGED_BY_LABEL, OWNER_LABEL, SOURCE_ANNOTATION } from './labels.js';
import { ProviderError } from './provider-errors.js';
import { convertKey, type RenderInput, type RenderResult, renderTargetSecret } from './render.js';
import type { ExternalSecretSpec } from './schema.js';

const CANARY = 'Canary-5e1d0b-DoNotLeak';

interface FakeSecret {
  value: string | Uint8Array;
  versionId?: string;
  tags?: Record<string, string>;
}

/** A provider snapshot: key -> value, and find queries answered by prefix / regexp over its keys. */
function fakeStore(secrets: Record<string, FakeSecret | ProviderError>) {
  const reads: Array<{ storeName: string; request: ReadRequest }> = [];
  const lookup = (storeName: string, request: ReadRequest): SecretPayload | ProviderError | undefined => {
    reads.push({ storeName, request });
    const s = secrets[request.key];
    if (s === undefined || s instanceof ProviderError) return s;
    const value = typeof s.value === 'string' ? new Uint8Array(Buffer.from(s.value, 'utf8')) : s.value;
    return {
      key: request.key,
      value,
      isBinary: typeof s.value !== 'string',
      ...(s.versionId ? { versionId: s.versionId } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
    };
  };
  const findResults = (_store: string, q: FindQuery) =>
    Object.keys(secrets).filter(
      (k) =>
        (q.path === undefined || k.startsWith(q.path)) &&
        (q.nameRegexp === undefined || new RegExp(q.nameRegexp).test(k)),
    );
  return { lookup, findResults, reads };
}

const db = {
  'db/creds': {
    value:
      '{"username":"admin","password":"s3cr3t","port":5432,"ratio":1.50,"on":true,"none":null,"nested":{"a": [1, {"b": "deep"}]},"dot.key":"dotted","list":["x","y"]}',
    versionId: 'v-1',
    tags: { team: 'payments', env: 'prod' },
  },
  'app/api-key': { value: 'key-one', versionId: 'v-2' },
  'app/token': { value: 'dG9rZW4=' },
  plain: { value: 'just text' },
  b64: { value: 'aGVsbG8gd29ybGQ=' },
  b64url: { value: 'aGk_Pz8-' },
};

function render(
  spec: ExternalSecretSpec,
  secrets: Record<string, FakeSecret | ProviderError> = db,
  extra: Partial<RenderInput['object']> = {},
) {
  const store = fakeStore(secrets);
  const result = renderTargetSecret({
    object: { namespace: 'team-a', name: 'db', spec, ...extra },
    lookup: store.lookup,
    findResults: store.findResults,
  });
  return { result, reads: store.reads };
}

function text(r: RenderResult): Record<string, string> {
  if (!r.ok) throw new Error(`render failed: ${r.error.message}`);
  return Object.fromEntries(
    Object.entries(r.secret.data).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]),
  );
}

const store = { secretStoreRef: { name: 'aws' } };
const one = (
  remoteRef: ExternalSecretSpec['data'] extends (infer D)[] | undefined
    ? D extends { remoteRef: infer R }
      ? R
      : never
    : never,
) => ({
  ...store,
  data: [{ secretKey: 'v', remoteRef }],
});

describe('renderTargetSecret: data[] and remoteRef.property', () => {
  it.each<[string, Parameters<typeof one>[0], string]>([
    ['the whole value without property', { key: 'plain' }, 'just text'],
    ['a top-level string', { key: 'db/creds', property: 'username' }, 'admin'],
    ['an integer as written', { key: 'db/creds', property: 'port' }, '5432'],
    ['a float in shortest form (gjson)', { key: 'db/creds', property: 'ratio' }, '1.5'],
    ['a boolean', { key: 'db/creds', property: 'on' }, 'true'],
    ['null as empty', { key: 'db/creds', property: 'none' }, ''],
    ['a nested object as its raw JSON', { key: 'db/creds', property: 'nested' }, '{"a": [1, {"b": "deep"}]}'],
    ['an array index', { key: 'db/creds', property: 'list.1' }, 'y'],
    ['a path through arrays and objects', { key: 'db/creds', property: 'nested.a.1.b' }, 'deep'],
    ['a key that contains a dot, literally', { key: 'db/creds', property: 'dot.key' }, 'dotted'],
    ['a key with an escaped dot', { key: 'db/creds', property: 'dot\\.key' }, 'dotted'],
    ['Base64 decoding', { key: 'b64', decodingStrategy: 'Base64' }, 'hello world'],
    ['Base64URL decoding', { key: 'b64url', decodingStrategy: 'Base64URL' }, 'hi???>'],
    ['Auto decoding of base64', { key: 'b64', decodingStrategy: 'Auto' }, 'hello world'],
    ['Auto decoding of base64url', { key: 'b64url', decodingStrategy: 'Auto' }, 'hi???>'],
    ['Auto keeping plain text', { key: 'plain', decodingStrategy: 'Auto' }, 'just text'],
    [
      'metadataPolicy Fetch with a property (a tag)',
      { key: 'db/creds', metadataPolicy: 'Fetch', property: 'team' },
      'payments',
    ],
    [
      'metadataPolicy Fetch without property (all tags as JSON)',
      { key: 'db/creds', metadataPolicy: 'Fetch' },
      '{"env":"prod","team":"payments"}',
    ],
  ])('should render %s', (_name, remoteRef, expected) => {
    expect(text(render(one(remoteRef)).result)).toEqual({ v: expected });
  });

  it('should keep binary values byte for byte', () => {
    const bytes = new Uint8Array([0, 255, 128, 10, 195, 40]);
    const { result } = render(one({ key: 'bin' }), { bin: { value: bytes } });
    expect(result.ok && Buffer.from(result.secret.data.v as Uint8Array).equals(Buffer.from(bytes))).toBe(
      true,
    );
  });

  it('should record provider versions per store/key', () => {
    const { result } = render({
      ...store,
      data: [
        { secretKey: 'a', remoteRef: { key: 'db/creds', property: 'username' } },
        { secretKey: 'b', remoteRef: { key: 'plain' } },
      ],
    });
    expect(result.ok && result.secret.versions).toEqual({ 'aws/db/creds': 'v-1' });
  });

  it('should read an entry from its own sourceRef store', () => {
    const { reads } = render({
      ...store,
      data: [{ secretKey: 'a', remoteRef: { key: 'plain' }, sourceRef: { storeRef: { name: 'vault' } } }],
    });
    expect(reads.map((r) => r.storeName)).toEqual(['vault']);
  });

  it('should pass version and metadata flags to the lookup', () => {
    const { reads } = render(
      one({ key: 'db/creds', version: 'AWSPREVIOUS', metadataPolicy: 'Fetch', property: 'team' }),
    );
    expect(reads[0]?.request).toEqual({ key: 'db/creds', version: 'AWSPREVIOUS', fetchMetadata: true });
  });
});

describe('renderTargetSecret: dataFrom', () => {
  it('should extract a JSON object into keys (strings unquoted, other values raw, null empty)', () => {
    const r = render({ ...store, dataFrom: [{ extract: { key: 'db/creds' } }] }).result;
    expect(text(r)).toEqual({
      username: 'admin',
      password: 's3cr3t',
      port: '5432',
      ratio: '1.50',
      on: 'true',
      none: '',
      nested: '{"a": [1, {"b": "deep"}]}',
      'dot.key': 'dotted',
      list: '["x","y"]',
    });
  });

  it('should extract the object a property points to', () => {
    const r = render(
      { ...store, dataFrom: [{ extract: { key: 'x', property: 'inner' } }] },
      { x: { value: '{"inner":{"a":"1"}}' } },
    ).result;
    expect(text(r)).toEqual({ a: '1' });
  });

  it('should extract tags with metadataPolicy Fetch', () => {
    const r = render({
      ...store,
      dataFrom: [{ extract: { key: 'db/creds', metadataPolicy: 'Fetch' } }],
    }).result;
    expect(text(r)).toEqual({ env: 'prod', team: 'payments' });
  });

  it('should convert keys that are not valid Secret keys (Default: "_", Unicode: "_UXXXX_")', () => {
    const secrets = { x: { value: '{"a/b":"1","c d":"2"}' } };
    expect(text(render({ ...store, dataFrom: [{ extract: { key: 'x' } }] }, secrets).result)).toEqual({
      a_b: '1',
      c_d: '2',
    });
    // ESO keeps letters of any script, then its key validation refuses them: so do we.
    const accented = render(
      { ...store, dataFrom: [{ extract: { key: 'x' } }] },
      { x: { value: '{"é":"3"}' } },
    ).result;
    expect(!accented.ok && accented.error.reason).toBe('InvalidSecretKey');
    expect(convertKey('Unicode', 'a/b c')).toBe('a_U002f_b_U0020_c');
  });

  it('should find secrets by path and key them by name (slashes converted)', () => {
    const r = render({ ...store, dataFrom: [{ find: { path: 'app/' } }] }).result;
    expect(text(r)).toEqual({ 'app_api-key': 'key-one', app_token: 'dG9rZW4=' });
  });

  it('should decode found values', () => {
    const r = render({
      ...store,
      dataFrom: [{ find: { name: { regexp: 'token$' }, decodingStrategy: 'Base64' } }],
    }).result;
    expect(text(r)).toEqual({ app_token: 'token' });
  });

  it('should rewrite keys with Go regexp semantics, in order, before any conversion', () => {
    const r = render({
      ...store,
      dataFrom: [
        {
          find: { path: 'app/' },
          rewrite: [
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax, not JavaScript's
            { regexp: { source: '^app/(?P<name>.*)$', target: 'svc-${name}' } },
            { transform: { template: '{{ .value | upper }}' } },
          ],
        },
      ],
    }).result;
    expect(text(r)).toEqual({ 'SVC-API-KEY': 'key-one', 'SVC-TOKEN': 'dG9rZW4=' });
  });

  it('should let data[] entries override dataFrom keys, and later dataFrom entries override earlier ones', () => {
    const r = render(
      {
        ...store,
        dataFrom: [{ extract: { key: 'x' } }, { extract: { key: 'y' } }],
        data: [{ secretKey: 'a', remoteRef: { key: 'plain' } }],
      },
      { x: { value: '{"a":"x","b":"x","c":"x"}' }, y: { value: '{"b":"y"}' }, plain: { value: 'data' } },
    ).result;
    expect(text(r)).toEqual({ a: 'data', b: 'y', c: 'x' });
  });
});

describe('renderTargetSecret: templates and target', () => {
  const base = {
    ...store,
    data: [
      { secretKey: 'user', remoteRef: { key: 'db/creds', property: 'username' } },
      { secretKey: 'pass', remoteRef: { key: 'db/creds', property: 'password' } },
    ],
  };

  it('should render only templated keys with mergePolicy Replace (default)', () => {
    const r = render({
      ...base,
      target: { template: { data: { url: 'postgres://{{ .user }}:{{ .pass | urlencodeNot }}@db' } } },
    });
    expect(r.result.ok).toBe(false); // unknown function: a parse error, never a silent pass-through
    const ok = render({
      ...base,
      target: { template: { data: { url: 'postgres://{{ .user }}:{{ .pass }}@db' } } },
    });
    expect(text(ok.result)).toEqual({ url: 'postgres://admin:s3cr3t@db' });
  });

  it('should keep fetched keys and add templated ones with mergePolicy Merge', () => {
    const r = render({
      ...base,
      target: { template: { mergePolicy: 'Merge', data: { both: '{{ .user }}/{{ .pass }}' } } },
    });
    expect(text(r.result)).toEqual({ user: 'admin', pass: 's3cr3t', both: 'admin/s3cr3t' });
  });

  it('should pass fetched data through when the template has only metadata', () => {
    const r = render({
      ...base,
      target: {
        template: {
          type: 'kubernetes.io/basic-auth',
          metadata: { labels: { app: '{{ .user | upper }}' }, annotations: { note: 'x' } },
        },
      },
    });
    expect(r.result.ok).toBe(true);
    if (r.result.ok) {
      expect(text(r.result)).toEqual({ user: 'admin', pass: 's3cr3t' });
      expect(r.result.secret.type).toBe('kubernetes.io/basic-auth');
      expect(r.result.secret.labels.app).toBe('ADMIN');
      expect(r.result.secret.annotations.note).toBe('x');
    }
  });

  it('should apply templateFrom literals (YAML maps) to data, labels and annotations, then template.data over them', () => {
    const r = render({
      ...base,
      target: {
        template: {
          templateFrom: [
            { literal: '{{ range $k, $v := . }}{{ $k }}-copy: {{ $v | quote }}\n{{ end }}' },
            { literal: 'tier: "{{ .user }}"', target: 'Labels' },
            { literal: 'who: {{ .user }}', target: 'Annotations' },
          ],
          data: { 'user-copy': 'overridden' },
        },
      },
    });
    expect(r.result.ok).toBe(true);
    if (r.result.ok) {
      expect(text(r.result)).toEqual({ 'pass-copy': 's3cr3t', 'user-copy': 'overridden' });
      expect(r.result.secret.labels.tier).toBe('admin');
      expect(r.result.secret.annotations.who).toBe('admin');
    }
  });

  it('should name the Secret after target.name or the object, and carry our labels', () => {
    const r = render({ ...base, target: { name: 'db-creds', immutable: true } }).result;
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.secret.name).toBe('db-creds');
      expect(r.secret.immutable).toBe(true);
      expect(r.secret.type).toBe('Opaque');
      expect(r.secret.labels[MANAGED_BY_LABEL]).toBe('fleet-secrets');
      expect(r.secret.labels[OWNER_LABEL]).toMatch(/^[0-9a-f]{40}$/);
      expect(r.secret.annotations[SOURCE_ANNOTATION]).toBe('ExternalSecret/team-a/db');
    }
    const unnamed = render(base).result;
    expect(unnamed.ok && unnamed.secret.name).toBe('db');
  });

  it('should not claim ownership of a Merge target (many objects may merge into one Secret)', () => {
    const r = render({ ...base, target: { creationPolicy: 'Merge' } }).result;
    expect(r.ok && r.secret.labels[OWNER_LABEL]).toBeUndefined();
    expect(r.ok && r.secret.labels[MANAGED_BY_LABEL]).toBe('fleet-secrets');
  });

  it("should copy the object's own labels and annotations when there is no template, as ESO does", () => {
    const r = render(base, db, {
      labels: { app: 'web', 'fleet-secrets.io/owner': 'forged' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'n' },
    }).result;
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.secret.labels.app).toBe('web');
      expect(r.secret.labels[OWNER_LABEL]).not.toBe('forged');
      expect(r.secret.annotations).toEqual({ note: 'n', [SOURCE_ANNOTATION]: 'ExternalSecret/team-a/db' });
    }
  });
});

describe('renderTargetSecret: failures are typed RenderErrors', () => {
  type Case = [string, ExternalSecretSpec, Record<string, FakeSecret | ProviderError>, string, string];
  const cases: Case[] = [
    [
      'no store',
      { data: [{ secretKey: 'a', remoteRef: { key: 'plain' } }] },
      db,
      'StoreNotResolved',
      'spec.data[0]',
    ],
    ['a value that was not fetched', one({ key: 'missing' }), db, 'NotFetched', 'spec.data[0].remoteRef.key'],
    [
      'a provider error',
      one({ key: 'gone' }),
      { gone: new ProviderError({ code: 'NotFound', storeName: 'aws', key: 'gone' }) },
      'ProviderError',
      'spec.data[0].remoteRef.key',
    ],
    [
      'a property on a non-JSON value',
      one({ key: 'plain', property: 'a' }),
      db,
      'InvalidJson',
      'spec.data[0].remoteRef.property',
    ],
    [
      'a property that is not there',
      one({ key: 'db/creds', property: 'nope' }),
      db,
      'PropertyNotFound',
      'spec.data[0].remoteRef.property',
    ],
    [
      'a wildcard property',
      one({ key: 'db/creds', property: 'nest*' }),
      db,
      'UnsupportedPropertyPath',
      'spec.data[0].remoteRef.property',
    ],
    [
      'a tag that is not there',
      one({ key: 'db/creds', metadataPolicy: 'Fetch', property: 'nope' }),
      db,
      'PropertyNotFound',
      'spec.data[0].remoteRef.property',
    ],
    [
      'bad base64',
      one({ key: 'plain', decodingStrategy: 'Base64' }),
      db,
      'DecodingFailed',
      'spec.data[0].remoteRef.decodingStrategy',
    ],
    [
      'extract of a non-object',
      { ...store, dataFrom: [{ extract: { key: 'arr' } }] },
      { arr: { value: '[1]' } },
      'NotAJsonObject',
      'spec.dataFrom[0].extract.key',
    ],
    [
      'extract of non-JSON',
      { ...store, dataFrom: [{ extract: { key: 'plain' } }] },
      db,
      'InvalidJson',
      'spec.dataFrom[0].extract.key',
    ],
    [
      'a conversion collision',
      { ...store, dataFrom: [{ extract: { key: 'x' } }] },
      { x: { value: '{"a/b":"1","a b":"2"}' } },
      'KeyCollision',
      'spec.dataFrom[0]',
    ],
    [
      'a rewrite collision',
      {
        ...store,
        dataFrom: [{ find: { path: 'app/' }, rewrite: [{ regexp: { source: '.*', target: 'same' } }] }],
      },
      db,
      'KeyCollision',
      'spec.dataFrom[0].rewrite[0]',
    ],
    [
      'a rewrite to an invalid key',
      {
        ...store,
        dataFrom: [
          {
            find: { path: 'app/' },
            rewrite: [{ regexp: { source: '^app/', target: '' } }, { regexp: { source: '-', target: ' ' } }],
          },
        ],
      },
      db,
      'InvalidSecretKey',
      'spec.dataFrom[0]',
    ],
    [
      'a template parse error',
      { ...one({ key: 'plain' }), target: { template: { data: { a: '{{ if }}' } } } },
      db,
      'TemplateParse',
      'spec.target.template.data.a',
    ],
    [
      'a template missing key',
      { ...one({ key: 'plain' }), target: { template: { data: { a: '{{ .nope }}' } } } },
      db,
      'TemplateExec',
      'spec.target.template.data.a',
    ],
    [
      'a template over its execution budget',
      {
        ...one({ key: 'plain' }),
        target: { template: { data: { a: '{{ range 100000000000 }}{{ end }}' } } },
      },
      db,
      'TemplateBudget',
      'spec.target.template.data.a',
    ],
    [
      'a templateFrom output that is not a string map',
      { ...one({ key: 'plain' }), target: { template: { templateFrom: [{ literal: 'port: 5432' }] } } },
      db,
      'TemplateOutput',
      'spec.target.template.templateFrom[0].literal',
    ],
    [
      'a templated label in our prefix',
      {
        ...one({ key: 'plain' }),
        target: { template: { templateFrom: [{ literal: 'fleet-secrets.io/owner: x', target: 'Labels' }] } },
      },
      db,
      'ReservedMetadata',
      'spec.target.template.metadata.labels',
    ],
    [
      'a service-account token type',
      { ...one({ key: 'plain' }), target: { template: { type: 'kubernetes.io/service-account-token' } } },
      db,
      'ForbiddenSecretType',
      'spec.target.template.type',
    ],
    [
      'a find that was not run',
      { ...store, dataFrom: [{ find: { path: 'app/' } }] },
      db,
      'NotFetched',
      'spec.dataFrom[0].find',
    ],
  ];

  it.each(cases)('should report %s', (_name, spec, secrets, reason, path) => {
    const store = fakeStore(secrets);
    const findResults = _name === 'a find that was not run' ? () => undefined : store.findResults;
    const r = renderTargetSecret({
      object: { namespace: 'n', name: 'o', spec },
      lookup: store.lookup,
      findResults,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe(reason);
      expect(r.error.path).toBe(path);
      expect(r.error.message.startsWith(path)).toBe(true);
    }
  });

  it('should mark throttling as transient and NotFound as not', () => {
    const throttled = render(one({ key: 'k' }), {
      k: new ProviderError({ code: 'Throttled', storeName: 'aws', key: 'k' }),
    }).result;
    expect(!throttled.ok && throttled.error.transient).toBe(true);
    const missing = render(one({ key: 'k' }), {
      k: new ProviderError({ code: 'NotFound', storeName: 'aws', key: 'k' }),
    }).result;
    expect(!missing.ok && missing.error.transient).toBe(false);
  });

  it('should never put a secret value in an error message', () => {
    const secrets: Record<string, FakeSecret> = {
      json: { value: `{"user":"${CANARY}","n":{"deep":"${CANARY}"}}` },
      text: { value: `${CANARY} not json` },
      broken: { value: `{"a":"${CANARY}"` },
      b64: { value: `${CANARY}!!` },
      arr: { value: `["${CANARY}"]` },
      yaml: { value: `${CANARY}: [1]` },
    };
    const specs: ExternalSecretSpec[] = [
      one({ key: 'text', property: 'a' }),
      one({ key: 'broken', property: 'a' }),
      one({ key: 'json', property: 'nope' }),
      one({ key: 'b64', decodingStrategy: 'Base64' }),
      { ...store, dataFrom: [{ extract: { key: 'arr' } }] },
      { ...store, dataFrom: [{ extract: { key: 'text' } }] },
      {
        ...one({ key: 'json', property: 'user' }),
        target: { template: { data: { a: '{{ .v | fromJson | upper }}' } } },
      },
      {
        ...one({ key: 'json', property: 'user' }),
        target: { template: { data: { a: '{{ index .v 99 }}' } } },
      },
      { ...one({ key: 'json', property: 'user' }), target: { template: { data: { a: '{{ .v.field }}' } } } },
      {
        ...one({ key: 'json', property: 'user' }),
        target: { template: { data: { a: '{{ printf "%s" .v | len | upper }}' } } },
      },
      { ...one({ key: 'yaml' }), target: { template: { templateFrom: [{ literal: '{{ .v }}' }] } } },
      {
        ...one({ key: 'json', property: 'user' }),
        target: {
          template: {
            templateFrom: [{ literal: '{{ .v }}: x', target: 'Labels' }, { literal: `"${CANARY}": [` }],
          },
        },
      },
      {
        ...store,
        dataFrom: [
          {
            extract: { key: 'json' },
            rewrite: [{ transform: { template: `{{ .value | nope${CANARY} }}` } }],
          },
        ],
      },
      {
        ...store,
        dataFrom: [{ extract: { key: 'json' }, rewrite: [{ regexp: { source: '.*', target: CANARY } }] }],
      },
    ];
    for (const spec of specs) {
      const { result } = render(spec, secrets);
      expect(result.ok, JSON.stringify(spec)).toBe(false);
      if (!result.ok) {
        expect(result.error.message).not.toContain(CANARY.slice(0, 12));
        expect(String(result.error.stack)).not.toContain(CANARY.slice(0, 12));
      }
    }
  });
});

describe('renderTargetSecret: properties', () => {
  const keyArb = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/);
  const valueArb = fc.string({ maxLength: 20 });
  const secretsArb = fc.dictionary(keyArb, valueArb, { minKeys: 1, maxKeys: 6 });

  it('should be deterministic: same inputs, same bytes, whatever the order of keys and reads', () => {
    fc.assert(
      fc.property(secretsArb, fc.boolean(), (values, withTemplate) => {
        const json = JSON.stringify(values);
        const reversed = JSON.stringify(Object.fromEntries(Object.entries(values).reverse()));
        const spec: ExternalSecretSpec = {
          ...store,
          dataFrom: [{ extract: { key: 'x' } }],
          ...(withTemplate
            ? {
                target: {
                  template: {
                    mergePolicy: 'Merge' as const,
                    data: { all: '{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}' },
                  },
                },
              }
            : {}),
        };
        const a = render(spec, { x: { value: json } }).result;
        const b = render(spec, { x: { value: reversed } }).result;
        expect(a.ok && b.ok).toBe(true);
        if (a.ok && b.ok) {
          expect(Object.keys(a.secret.data)).toEqual(Object.keys(b.secret.data));
          expect(computeDataHmac(new Uint8Array(8), a.secret.data)).toBe(
            computeDataHmac(new Uint8Array(8), b.secret.data),
          );
          expect(Object.keys(a.secret.data)).toEqual([...Object.keys(a.secret.data)].sort());
        }
      }),
      { numRuns: 100 },
    );
  });

  it('should be total: arbitrary specs and values give a result, never a throw', () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(anyJson, fc.string({ maxLength: 40 }), anyJson, (spec, value, tags) => {
        const r = renderTargetSecret({
          object: { namespace: 'n', name: 'o', spec: spec as ExternalSecretSpec },
          lookup: (_s, req) => ({
            key: req.key,
            value: new Uint8Array(Buffer.from(value)),
            isBinary: false,
            tags: tags as Record<string, string>,
          }),
          findResults: () => ['a', 'b'],
        });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
