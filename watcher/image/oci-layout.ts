/**
 * Writes an OCI image layout (image-spec v1.1: oci-layout, index.json, blobs/sha256/…) for one
 * linux image from uncompressed layer tars. Every JSON document is serialised with a fixed key
 * order and the layers are gzipped without a timestamp, so equal inputs give an equal manifest
 * digest.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

export const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

export interface ImageLayer {
  /** What the layer holds, for the config's history. */
  description: string;
  tar: Buffer;
}

export interface ImageConfig {
  architecture: 'amd64' | 'arm64';
  user: string;
  entrypoint: string[];
  env: string[];
  workingDir: string;
  exposedPorts: number[];
  labels: Record<string, string>;
  /** RFC 3339; fixed so that the config digest does not depend on the build time. */
  created: string;
}

export interface WrittenImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** The tag in index.json (`org.opencontainers.image.ref.name`). */
  tag: string;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Layers are compressed with fixed zlib settings; gzip's header mtime stays 0. */
export function gzipLayer(tar: Buffer): Buffer {
  return gzipSync(tar, { level: 9, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
}

export function imageConfigDocument(config: ImageConfig, layers: readonly ImageLayer[]): Buffer {
  const document = {
    created: config.created,
    architecture: config.architecture,
    os: 'linux',
    config: {
      User: config.user,
      ExposedPorts: Object.fromEntries(config.exposedPorts.map((port) => [`${port}/tcp`, {}])),
      Env: config.env,
      Entrypoint: config.entrypoint,
      WorkingDir: config.workingDir,
      Labels: config.labels,
    },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => sha256(layer.tar)) },
    history: layers.map((layer) => ({
      created: config.created,
      created_by: layer.description,
    })),
  };
  return Buffer.from(JSON.stringify(document));
}

/** Replaces `dir` with an OCI layout holding one image, tagged `tag`. */
export function writeOciLayout(
  dir: string,
  {
    tag,
    config,
    layers,
    annotations,
  }: { tag: string; config: ImageConfig; layers: readonly ImageLayer[]; annotations: Record<string, string> },
): WrittenImage {
  rmSync(dir, { recursive: true, force: true });
  const blobDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobDir, { recursive: true });
  const putBlob = (mediaType: string, data: Buffer): Descriptor => {
    const digest = sha256(data);
    writeFileSync(join(blobDir, digest.slice('sha256:'.length)), data);
    return { mediaType, digest, size: data.length };
  };

  const layerDescriptors = layers.map((layer) => putBlob(mediaTypes.layer, gzipLayer(layer.tar)));
  const configDescriptor = putBlob(mediaTypes.config, imageConfigDocument(config, layers));
  const manifestDocument = {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: configDescriptor,
    layers: layerDescriptors,
    annotations,
  };
  const manifest = putBlob(mediaTypes.manifest, Buffer.from(JSON.stringify(manifestDocument)));
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [
      {
        ...manifest,
        platform: { architecture: config.architecture, os: 'linux' },
        annotations: { 'org.opencontainers.image.ref.name': tag },
      },
    ],
  };
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return { manifest, config: configDescriptor, layers: layerDescriptors, tag };
}
