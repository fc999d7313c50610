import { describe, expect, it } from 'vitest';
import type { ExternalSecretSpec } from '../domain/schema.js';
import { withoutGoneKeys } from './render-object.js';

const spec: ExternalSecretSpec = {
  secretStoreRef: { name: 'aws' },
  data: [
    { secretKey: 'a', remoteRef: { key: 'app/a' } },
    { secretKey: 'b', remoteRef: { key: 'app/b' }, sourceRef: { storeRef: { name: 'vault' } } },
  ],
  dataFrom: [{ extract: { key: 'app/c' } }, { find: { path: 'app/' } }],
};

describe('withoutGoneKeys', () => {
  it('should drop exactly the entries whose store and key are gone', () => {
    const gone = new Set(['aws\u0000app/a', 'aws\u0000app/c', 'aws\u0000app/b']);
    const out = withoutGoneKeys(spec, gone, undefined);
    expect(out.data?.map((d) => d.secretKey)).toEqual(['b']);
    expect(out.dataFrom).toEqual([{ find: { path: 'app/' } }]);
  });

  it('should resolve the default store for entries that name none', () => {
    const bare: ExternalSecretSpec = { data: [{ secretKey: 'a', remoteRef: { key: 'k' } }] };
    expect(withoutGoneKeys(bare, new Set(['dflt\u0000k']), 'dflt').data).toEqual([]);
    expect(withoutGoneKeys(bare, new Set(['dflt\u0000k']), undefined).data).toHaveLength(1);
  });
});
