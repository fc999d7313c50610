import { describe, expect, it } from 'vitest';
import { parseVersion } from './version-selector.js';

describe('parseVersion', () => {
  it('should read nothing, an empty string and AWSCURRENT as the current version', () => {
    expect(parseVersion(undefined)).toEqual({ kind: 'current' });
    expect(parseVersion('')).toEqual({ kind: 'current' });
    expect(parseVersion('AWSCURRENT')).toEqual({ kind: 'current' });
  });

  it('should read uuid/<id> as a VersionId, as ESO does', () => {
    expect(parseVersion('uuid/abc')).toEqual({ kind: 'id', versionId: 'abc' });
  });

  it('should read a bare UUID as a VersionId', () => {
    const id = '61cca31c-a81b-4ae1-bc97-43613154207f';
    expect(parseVersion(id)).toEqual({ kind: 'id', versionId: id });
  });

  it('should read anything else as a VersionStage', () => {
    expect(parseVersion('AWSPREVIOUS')).toEqual({ kind: 'stage', stage: 'AWSPREVIOUS' });
    expect(parseVersion('blue')).toEqual({ kind: 'stage', stage: 'blue' });
  });
});
