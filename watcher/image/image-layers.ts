/**
 * What goes into each layer of the watcher image, distroless-style: no shell, no package manager,
 * only the C/C++ runtime node links against, CA certificates, time zones, the accounts and the
 * bundle. Three layers, ordered by how often they change: base, node, app.
 */
import type { TarEntry } from './tar.js';

/** distroless' "nonroot" account, which the Deployment's securityContext also names. */
export const nonRootUid = 65532;

export const imagePaths = {
  node: '/nodejs/bin/node',
  appDir: '/app',
  bundle: '/app/watcher.mjs',
  caBundle: '/etc/ssl/certs/ca-certificates.crt',
} as const;

/** The node flags of the entrypoint (and of watcher/Dockerfile's CMD, which a test keeps equal). */
export const watcherNodeFlags = [
  // A small young generation keeps RSS steady (the watcher allocates little at a time); the
  // old-space cap stays well below the pod's 192Mi limit so V8 collects harder before the kernel
  // would kill the pod (5,000 objects need ~15 MiB of heap).
  '--max-semi-space-size=1',
  '--max-old-space-size=64',
] as const;

export const watcherEntrypoint = [imagePaths.node, ...watcherNodeFlags, imagePaths.bundle];

const text = (value: string) => Buffer.from(value, 'utf8');

/**
 * ca-certificates' maintainer script builds /etc/ssl/certs/ca-certificates.crt at install time,
 * and no maintainer script runs here: the bundle is the same concatenation, in path order, of the
 * certificates the package ships.
 */
export function caBundleEntry(debianEntries: readonly TarEntry[]): TarEntry {
  const certificates = debianEntries
    .filter(
      (entry): entry is Extract<TarEntry, { type: 'file' }> =>
        entry.type === 'file' && /^usr\/share\/ca-certificates\/.+\.crt$/.test(entry.path),
    )
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  if (certificates.length === 0) throw new Error('the ca-certificates package shipped no certificates');
  return {
    type: 'file',
    path: imagePaths.caBundle,
    mode: 0o644,
    content: Buffer.concat(
      certificates.flatMap((cert) => [
        cert.content,
        cert.content.at(-1) === 0x0a ? Buffer.alloc(0) : text('\n'),
      ]),
    ),
  };
}

/** Accounts, name service and the writable-by-nobody folders that distroless images carry. */
export function accountEntries(): TarEntry[] {
  return [
    {
      type: 'file',
      path: 'etc/passwd',
      mode: 0o644,
      content: text(
        'root:x:0:0:root:/root:/sbin/nologin\n' +
          'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' +
          `nonroot:x:${nonRootUid}:${nonRootUid}:nonroot:/home/nonroot:/sbin/nologin\n`,
      ),
    },
    {
      type: 'file',
      path: 'etc/group',
      mode: 0o644,
      content: text(`root:x:0:\nnobody:x:65534:\nnonroot:x:${nonRootUid}:\n`),
    },
    {
      type: 'file',
      path: 'etc/nsswitch.conf',
      mode: 0o644,
      content: text('passwd: files\ngroup: files\nhosts: files dns\n'),
    },
    { type: 'directory', path: 'etc/ssl', mode: 0o755 },
    { type: 'directory', path: 'etc/ssl/certs', mode: 0o755 },
    { type: 'directory', path: 'root', mode: 0o700 },
    { type: 'directory', path: 'home', mode: 0o755 },
    { type: 'directory', path: 'home/nonroot', mode: 0o700, uid: nonRootUid, gid: nonRootUid },
    // Sticky and world-writable as usual; with a read-only root filesystem the pod needs an
    // emptyDir here to write, which the watcher never does.
    { type: 'directory', path: 'tmp', mode: 0o1777 },
  ];
}

export function nodeEntries(binary: Buffer, license: Buffer): TarEntry[] {
  return [
    { type: 'directory', path: 'nodejs', mode: 0o755 },
    { type: 'directory', path: 'nodejs/bin', mode: 0o755 },
    { type: 'file', path: imagePaths.node, mode: 0o755, content: binary },
    { type: 'file', path: 'nodejs/LICENSE', mode: 0o644, content: license },
  ];
}

/** The bundle and its license notices, readable by all and writable by none but root. */
export function appEntries(bundle: Buffer, legal: Buffer): TarEntry[] {
  return [
    { type: 'directory', path: imagePaths.appDir, mode: 0o755 },
    { type: 'file', path: imagePaths.bundle, mode: 0o644, content: bundle },
    { type: 'file', path: `${imagePaths.bundle}.LEGAL.txt`, mode: 0o644, content: legal },
  ];
}
