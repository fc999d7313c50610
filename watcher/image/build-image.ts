/**
 * Builds the watcher image without a container daemon (`npm run build:watcher-image`):
 *
 *   dist/watcher-image/oci/             OCI image layout (index.json, blobs/sha256/…), tag = version
 *   dist/watcher-image/sbom.spdx.json   SPDX 2.3: node, every .deb, every bundled npm package
 *   dist/watcher-image/image.json       manifest digest, tag, sizes
 *
 * Inputs are all pinned: the Debian packages by version and SHA256 (debian-packages.json), node by
 * version and integrity (scripts/node-runtime.json), the npm dependencies by package-lock.json.
 * Equal inputs give an equal manifest digest: layers are sorted, every mtime is SOURCE_DATE_EPOCH
 * (default 0) and nothing of the build machine (owners, times, umask) reaches the layers. The
 * gzip bytes come from the building node's zlib, so image.json records its versions (builtWith).
 *
 *   tsx watcher/image/build-image.ts [--out DIR]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWatcher, metafileOf } from '../build.js';
import { bundledPackages } from './bundle-packages.js';
import { debianPackageEntries, fetchDebianPackage, pinnedDebianPackages } from './debian-packages.js';
import {
  accountEntries,
  appEntries,
  caBundleEntry,
  imagePaths,
  nodeEntries,
  nonRootUid,
  watcherEntrypoint,
} from './image-layers.js';
import { fetchNodeBinary } from './node-binary.js';
import { type WrittenImage, writeOciLayout } from './oci-layout.js';
import { spdxSbom } from './sbom.js';
import { normaliseEntryPath, type TarEntry, writeTar } from './tar.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..');
export const defaultImageDir = join(projectRoot, 'dist', 'watcher-image');
export const imageName = 'fleet-secrets-watcher';

export interface BuiltImage extends WrittenImage {
  layoutDir: string;
  sbomFile: string;
  /** Sum of the compressed layer sizes, what a registry stores and a node pulls. */
  compressedSize: number;
  uncompressedSize: number;
}

const architectures = { amd64: 'linux-x64', arm64: 'linux-arm64' } as const;

/** Joins layer contributions: shared directories once, a path given twice as a file is a mistake. */
export function mergeEntries(...groups: TarEntry[][]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const entry of groups.flat()) {
    const path = normaliseEntryPath(entry.path);
    const existing = byPath.get(path);
    if (existing?.type === 'directory' && entry.type === 'directory') continue;
    if (existing) throw new Error(`${path} is added to the layer twice`);
    byPath.set(path, entry);
  }
  return [...byPath.values()];
}

function sourceDateEpoch(): number {
  const raw = process.env.SOURCE_DATE_EPOCH ?? '0';
  if (!/^\d+$/.test(raw)) throw new Error(`SOURCE_DATE_EPOCH must be seconds since 1970, not ${raw}`);
  return Number(raw);
}

export async function buildWatcherImage({
  outDir = defaultImageDir,
  cacheDir = join(
    process.env.FLEET_SECRETS_CACHE ?? join(homedir(), '.cache', 'fleet-secrets'),
    'watcher-image-inputs',
  ),
}: {
  outDir?: string;
  cacheDir?: string;
} = {}): Promise<BuiltImage> {
  const { architecture, suite, packages } = pinnedDebianPackages;
  if (architecture !== 'amd64' && architecture !== 'arm64')
    throw new Error(`unsupported architecture ${architecture}`);
  const epoch = sourceDateEpoch();
  const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const work = mkdtempSync(join(tmpdir(), 'fleet-secrets-watcher-image-'));
  try {
    const debs = packages.map((pkg) => fetchDebianPackage(pkg, join(cacheDir, 'debian')));
    const debianEntries = debianPackageEntries(debs);
    const node = fetchNodeBinary(architectures[architecture], join(cacheDir, 'npm'));
    const bundle = await buildWatcher({ outfile: join(work, 'watcher.mjs') });
    const npmPackages = bundledPackages(metafileOf(bundle), process.cwd());

    const base = mergeEntries(debianEntries, accountEntries(), [caBundleEntry(debianEntries)]);
    const layers = [
      {
        description: `debian ${suite} packages: ${packages.map((p) => `${p.name}=${p.version}`).join(' ')}`,
        tar: writeTar(base, { mtime: epoch }),
      },
      {
        description: `node ${node.version} (${node.packageName})`,
        tar: writeTar(nodeEntries(node.binary, node.license), { mtime: epoch }),
      },
      {
        description: `fleet-secrets watcher ${version} bundle`,
        tar: writeTar(appEntries(readFileSync(bundle), readFileSync(`${bundle}.LEGAL.txt`)), {
          mtime: epoch,
        }),
      },
    ];
    const layoutDir = join(outDir, 'oci');
    mkdirSync(outDir, { recursive: true });
    const written = writeOciLayout(layoutDir, {
      tag: version,
      layers,
      config: {
        architecture,
        user: `${nonRootUid}:${nonRootUid}`,
        entrypoint: watcherEntrypoint,
        env: ['PATH=/nodejs/bin:/usr/bin:/bin', `SSL_CERT_FILE=${imagePaths.caBundle}`, 'TZ=UTC'],
        workingDir: imagePaths.appDir,
        exposedPorts: [8081, 9090],
        labels: {
          'org.opencontainers.image.title': imageName,
          'org.opencontainers.image.version': version,
          'org.opencontainers.image.licenses': 'Apache-2.0',
          'org.opencontainers.image.base.name': `debian:${suite} packages (distroless-style, see sbom)`,
        },
        created,
      },
      annotations: {
        'org.opencontainers.image.created': created,
        'org.opencontainers.image.version': version,
      },
    });
    const sbomFile = join(outDir, 'sbom.spdx.json');
    const sbom = spdxSbom({
      imageName,
      imageVersion: version,
      manifestDigest: written.manifest.digest,
      created,
      architecture,
      debianSuite: suite,
      debianVersion: '12',
      node,
      debianPackages: packages,
      npmPackages,
    });
    writeFileSync(sbomFile, `${JSON.stringify(sbom, null, 2)}\n`);
    const compressedSize = written.layers.reduce((sum, layer) => sum + layer.size, 0);
    const uncompressedSize = layers.reduce((sum, layer) => sum + layer.tar.length, 0);
    const image = { ...written, layoutDir, sbomFile, compressedSize, uncompressedSize };
    // Layer digests are of gzip output: another zlib may compress the same tar differently.
    const builtWith = { node: process.versions.node, zlib: process.versions.zlib, arch: process.arch };
    writeFileSync(
      join(outDir, 'image.json'),
      `${JSON.stringify({ name: imageName, tag: version, digest: written.manifest.digest, compressedSize, uncompressedSize, builtWith }, null, 2)}\n`,
    );
    return image;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outIndex = process.argv.indexOf('--out');
  const started = Date.now();
  const image = await buildWatcherImage(outIndex === -1 ? {} : { outDir: process.argv[outIndex + 1] });
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${imageName}:${image.tag} ${image.manifest.digest}\n` +
      `  layout ${image.layoutDir}, sbom ${image.sbomFile}\n` +
      `  ${mib(image.compressedSize)} MiB compressed, ${mib(image.uncompressedSize)} MiB unpacked, built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
