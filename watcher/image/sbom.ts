/**
 * The image's SBOM as SPDX 2.3 JSON: the image itself (by manifest digest), the Node.js binary,
 * every Debian package of the base layer and every npm package bundled into the watcher, each
 * with a package URL. Written from the build's own inputs, so it holds no timestamps of its own
 * and is as reproducible as the image.
 */
import type { BundledPackage } from './bundle-packages.js';
import type { PinnedDebianPackage } from './debian-packages.js';

export interface SbomInputs {
  imageName: string;
  imageVersion: string;
  manifestDigest: string;
  /** RFC 3339, the image's own created time. */
  created: string;
  architecture: string;
  debianSuite: string;
  debianVersion: string;
  node: { version: string; packageName: string; integrity: string };
  debianPackages: readonly PinnedDebianPackage[];
  npmPackages: readonly BundledPackage[];
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo: string;
  downloadLocation: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  filesAnalyzed: false;
  primaryPackagePurpose?: string;
  checksums?: Array<{ algorithm: string; checksumValue: string }>;
  externalRefs: Array<{
    referenceCategory: 'PACKAGE-MANAGER';
    referenceType: 'purl';
    referenceLocator: string;
  }>;
}

/** SPDX ids allow letters, digits, "." and "-". */
function spdxId(kind: string, name: string, version: string): string {
  return `SPDXRef-${kind}-${`${name}-${version}`.replace(/[^A-Za-z0-9.-]/g, '-')}`;
}

function purlRef(locator: string): SpdxPackage['externalRefs'][number] {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: locator };
}

function npmPurl(name: string, version: string): string {
  const [scope, bare] = name.startsWith('@') ? name.split('/') : [undefined, name];
  return `pkg:npm/${scope ? `${encodeURIComponent(scope)}/` : ''}${bare}@${encodeURIComponent(version)}`;
}

function sha512Hex(integrity: string): string {
  return Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
}

export function spdxSbom(inputs: SbomInputs): Record<string, unknown> {
  const unknown = {
    licenseConcluded: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    filesAnalyzed: false,
  } as const;
  const image: SpdxPackage = {
    SPDXID: 'SPDXRef-image',
    name: inputs.imageName,
    versionInfo: inputs.imageVersion,
    downloadLocation: 'NOASSERTION',
    licenseDeclared: 'Apache-2.0',
    ...unknown,
    primaryPackagePurpose: 'CONTAINER',
    checksums: [{ algorithm: 'SHA256', checksumValue: inputs.manifestDigest.slice('sha256:'.length) }],
    externalRefs: [
      purlRef(
        `pkg:oci/${inputs.imageName}@${encodeURIComponent(inputs.manifestDigest)}?arch=${inputs.architecture}`,
      ),
    ],
  };
  const node: SpdxPackage = {
    SPDXID: spdxId('node', 'node', inputs.node.version),
    name: 'node',
    versionInfo: inputs.node.version,
    downloadLocation: `https://registry.npmjs.org/${inputs.node.packageName}/-/${inputs.node.packageName}-${inputs.node.version}.tgz`,
    licenseDeclared: 'MIT',
    ...unknown,
    primaryPackagePurpose: 'APPLICATION',
    checksums: [{ algorithm: 'SHA512', checksumValue: sha512Hex(inputs.node.integrity) }],
    externalRefs: [purlRef(npmPurl(inputs.node.packageName, inputs.node.version))],
  };
  const debs: SpdxPackage[] = inputs.debianPackages.map((deb) => ({
    SPDXID: spdxId('deb', deb.name, deb.version),
    name: deb.name,
    versionInfo: deb.version,
    downloadLocation: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    ...unknown,
    primaryPackagePurpose: 'OPERATING-SYSTEM',
    checksums: [{ algorithm: 'SHA256', checksumValue: deb.sha256 }],
    externalRefs: [
      purlRef(
        `pkg:deb/debian/${encodeURIComponent(deb.name)}@${encodeURIComponent(deb.version)}?arch=${inputs.architecture}&distro=debian-${inputs.debianVersion}`,
      ),
    ],
  }));
  const npm: SpdxPackage[] = inputs.npmPackages.map((pkg) => ({
    SPDXID: spdxId('npm', pkg.name, pkg.version),
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: 'NOASSERTION',
    licenseDeclared: pkg.license,
    ...unknown,
    primaryPackagePurpose: 'LIBRARY',
    externalRefs: [purlRef(npmPurl(pkg.name, pkg.version))],
  }));
  const contained = [node, ...debs, ...npm];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${inputs.imageName}@${inputs.manifestDigest}`,
    // Unique per image, and derived from it, so a rebuild of equal inputs writes an equal SBOM.
    documentNamespace: `https://fleet-secrets.io/spdx/${inputs.imageName}/${inputs.manifestDigest.slice('sha256:'.length)}`,
    creationInfo: { created: inputs.created, creators: ['Tool: fleet-secrets-build-watcher-image'] },
    documentDescribes: ['SPDXRef-image'],
    packages: [image, ...contained],
    relationships: [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-image',
      },
      ...contained.map((pkg) => ({
        spdxElementId: 'SPDXRef-image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: pkg.SPDXID,
      })),
    ],
  };
}
