/**
 * The OCI layout writer: the manifest digest depends on the inputs only, and the layout's
 * documents point at blobs that exist with the digests and sizes they claim.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type ImageConfig, writeOciLayout } from './oci-layout.js';
import { writeTar } from './tar.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const config: ImageConfig = {
  architecture: 'amd64',
  user: '65532:65532',
  entrypoint: ['/nodejs/bin/node', '/app/watcher.mjs'],
  env: ['PATH=/nodejs/bin'],
  workingDir: '/app',
  exposedPorts: [8081],
  labels: { 'org.opencontainers.image.title': 'test' },
  created: '1970-01-01T00:00:00Z',
};

function write(mtime: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-secrets-oci-layout-'));
  dirs.push(dir);
  const tar = writeTar([{ type: 'file', path: 'app/watcher.mjs', mode: 0o644, content: Buffer.from('x') }], {
    mtime,
  });
  return {
    dir,
    image: writeOciLayout(dir, {
      tag: '1.0.0',
      config,
      layers: [{ description: 'app', tar }],
      annotations: {},
    }),
  };
}

function blob(dir: string, digest: string): Buffer {
  return readFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

describe('writeOciLayout', () => {
  it('should give the same manifest digest for the same inputs, and another one for another mtime', () => {
    expect(write(0).image.manifest.digest).toBe(write(0).image.manifest.digest);
    expect(write(1).image.manifest.digest).not.toBe(write(0).image.manifest.digest);
  });

  it('should write an index, a manifest, a config and layers whose digests and sizes match their blobs', () => {
    const { dir, image } = write(0);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([
      expect.objectContaining({
        digest: image.manifest.digest,
        annotations: { 'org.opencontainers.image.ref.name': '1.0.0' },
      }),
    ]);
    const manifest = JSON.parse(blob(dir, image.manifest.digest).toString());
    for (const descriptor of [image.manifest, manifest.config, ...manifest.layers]) {
      const data = blob(dir, descriptor.digest);
      expect(`sha256:${createHash('sha256').update(data).digest('hex')}`).toBe(descriptor.digest);
      expect(data.length).toBe(descriptor.size);
    }
    const imageConfig = JSON.parse(blob(dir, manifest.config.digest).toString());
    const layer = gunzipSync(blob(dir, manifest.layers[0].digest));
    expect(imageConfig.rootfs.diff_ids).toEqual([
      `sha256:${createHash('sha256').update(layer).digest('hex')}`,
    ]);
    expect(imageConfig.config).toMatchObject({ User: '65532:65532', Entrypoint: config.entrypoint });
  });
});
