import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTemplate, templateDataFrom } from './index.js';

/**
 * Golden cases rendered by Go's text/template + sprig configured like ESO (golden/README.md).
 * The TypeScript engine must give the same bytes, or fail where Go fails.
 */
interface Case {
  name: string;
  template: string;
  data: Record<string, string>;
  dataB64?: Record<string, string>;
}
interface Expected {
  name: string;
  outputB64?: string;
  error?: boolean;
}

const dir = new URL('./golden/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as Case[];
const expected = new Map(
  (JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected[]).map((e) => [e.name, e]),
);

function render(c: Case): { ok: true; bytes: Buffer } | { ok: false } {
  const data: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(c.data)) data[k] = new Uint8Array(Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(c.dataB64 ?? {})) data[k] = new Uint8Array(Buffer.from(v, 'base64'));
  try {
    return { ok: true, bytes: Buffer.from(runTemplate(c.template, templateDataFrom(data)), 'latin1') };
  } catch {
    return { ok: false };
  }
}

describe('template engine against Go text/template + sprig (golden)', () => {
  it('should have an expected result for every case', () => {
    expect(cases.length).toBeGreaterThan(50);
    for (const c of cases) expect(expected.has(c.name), c.name).toBe(true);
  });

  for (const c of cases) {
    it(`should render "${c.name}" as Go does`, () => {
      const want = expected.get(c.name) as Expected;
      const got = render(c);
      if (want.error) {
        expect(got.ok).toBe(false);
      } else {
        expect(got.ok).toBe(true);
        if (got.ok)
          expect(got.bytes.toString('utf8')).toBe(
            Buffer.from(want.outputB64 ?? '', 'base64').toString('utf8'),
          );
        if (got.ok) expect(got.bytes.equals(Buffer.from(want.outputB64 ?? '', 'base64'))).toBe(true);
      }
    });
  }
});
