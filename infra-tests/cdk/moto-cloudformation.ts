/**
 * Deploys a synthesized template to moto's CloudFormation: uploads the function bundles to moto's
 * S3 as zip files, creates the stack and reads back its resources. moto does not check request
 * signatures; it routes a request by the service named in the Authorization header's credential
 * scope, so these calls carry a well-formed but unsigned header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Resource types moto's CloudFormation cannot create (it says so in its log): they are left out
 * of the moto deployment, together with what refers to them, and asserted on offline instead.
 */
export const MOTO_UNSUPPORTED_TYPES = new Set([
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SQS::QueuePolicy',
  'AWS::SecretsManager::Secret',
]);

export interface MotoTarget {
  url: string;
  region: string;
}

function authorization(service: string, region: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

async function call(
  target: MotoTarget,
  service: string,
  init: { method: string; path?: string; body?: string | Uint8Array; headers?: Record<string, string> },
): Promise<string> {
  const response = await fetch(`${target.url}${init.path ?? '/'}`, {
    method: init.method,
    body: init.body,
    headers: { authorization: authorization(service, target.region), ...init.headers },
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `moto ${service} ${init.method} ${init.path ?? '/'}: ${response.status} ${text.slice(0, 500)}`,
    );
  return text;
}

/** A query-protocol call (CloudFormation, IAM): form-encoded in, XML out. */
export function query(target: MotoTarget, service: string, version: string, params: Record<string, string>) {
  return call(target, service, {
    method: 'POST',
    body: new URLSearchParams({ Version: version, ...params }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** A JSON-protocol call (EventBridge). */
export async function jsonCall(target: MotoTarget, service: string, amzTarget: string, body: unknown) {
  return JSON.parse(
    await call(target, service, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': amzTarget },
    }),
  ) as Record<string, unknown>;
}

/** Text of every `<tag>` in an XML answer (the answers used here are flat enough for this). */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

/** A zip of a folder's files, stored uncompressed: all Lambda needs from a code archive. */
export function zipFolder(dir: string): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of readdirSync(dir).sort()) {
    const data = readFileSync(join(dir, name));
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time and date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(0, 30); // extra and comment lengths
    central.writeUInt32LE(0, 34); // disk number and internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface CloudAssemblyAssets {
  files: Record<
    string,
    {
      source: { path: string; packaging: 'zip' | 'file' };
      destinations: Record<string, { bucketName: string; objectKey: string }>;
    }
  >;
}

/** Uploads the stack's zip assets where the template's Code properties point. */
export async function uploadAssets(target: MotoTarget, assemblyDir: string, assets: CloudAssemblyAssets) {
  const buckets = new Set<string>();
  for (const asset of Object.values(assets.files)) {
    if (asset.source.packaging !== 'zip') continue;
    const zip = zipFolder(join(assemblyDir, asset.source.path));
    for (const dest of Object.values(asset.destinations)) {
      if (!buckets.has(dest.bucketName)) {
        await call(target, 's3', { method: 'PUT', path: `/${dest.bucketName}` }).catch((error: Error) => {
          if (!/BucketAlreadyOwnedByYou/.test(error.message)) throw error;
        });
        buckets.add(dest.bucketName);
      }
      await call(target, 's3', { method: 'PUT', path: `/${dest.bucketName}/${dest.objectKey}`, body: zip });
    }
  }
}

interface Template {
  Resources: Record<string, { Type: string }>;
  Outputs?: Record<string, unknown>;
}

/**
 * The template without the types moto cannot create and without whatever refers to them (the
 * dashboard names the alarms; outputs may name anything). A reference to the HMAC key secret, the
 * one dropped resource that others point at, becomes a fixed ARN.
 */
export function forMoto(
  template: Template,
  secretArnPrefix: string,
): { template: Template; dropped: Record<string, string> } {
  const dropped: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources))
    if (MOTO_UNSUPPORTED_TYPES.has(r.Type)) dropped[id] = r.Type;
  const secretIds = Object.keys(dropped).filter((id) => dropped[id] === 'AWS::SecretsManager::Secret');
  let text = JSON.stringify({
    ...template,
    Resources: Object.fromEntries(Object.entries(template.Resources).filter(([id]) => !(id in dropped))),
    Outputs: Object.fromEntries(
      Object.entries(template.Outputs ?? {}).filter(
        ([, o]) => !Object.keys(dropped).some((id) => JSON.stringify(o).includes(id)),
      ),
    ),
  });
  for (const id of secretIds) {
    text = text.replaceAll(JSON.stringify({ Ref: id }), JSON.stringify(`${secretArnPrefix}${id}-AbCdEf`));
  }
  const left = Object.keys(dropped).filter((id) => text.includes(`"${id}"`));
  if (left.length > 0)
    throw new Error(`resources still refer to what moto cannot create: ${left.join(', ')}`);
  return { template: JSON.parse(text) as Template, dropped };
}
