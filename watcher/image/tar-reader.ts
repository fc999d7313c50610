/**
 * Reads a tar stream (ustar, GNU long names, PAX paths) into layer entries. The base layer is read
 * from each .deb's data tar (`dpkg-deb --fsys-tarfile`) instead of an unpacked folder, so the modes
 * are the package's own whatever the builder's umask, and no owner or time of the build machine
 * leaks in. A hard link becomes a copy of its target's file.
 */
import { normaliseEntryPath, type TarEntry } from './tar.js';

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octalField(header: Buffer, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function paxRecords(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < body.length) {
    const space = body.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number(body.subarray(position, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  const files = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = octalField(header, 124, 12);
    const type = field(header, 156, 1) || '0';
    const body = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
    else if (type === 'K') longLink = body.toString('utf8').replace(/\0+$/, '');
    else if (type === 'x') pax = paxRecords(body);
    else if (type === 'g') continue;
    else {
      const prefix = field(header, 345, 155);
      const ustarPath = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
      const rawPath = pax.path ?? longName ?? ustarPath;
      const link = pax.linkpath ?? longLink ?? field(header, 157, 100);
      const mode = octalField(header, 100, 8) & 0o7777;
      longName = undefined;
      longLink = undefined;
      pax = {};
      if (normaliseIfInside(rawPath) === undefined) continue; // the archive's own "./" root
      const path = normaliseEntryPath(rawPath);
      if (type === '0' || type === '7') {
        const content = Buffer.from(body);
        files.set(path, content);
        entries.push({ type: 'file', path, mode, content });
      } else if (type === '1') {
        const content = files.get(normaliseEntryPath(link));
        if (!content)
          throw new Error(`tar hard link ${path} points at ${link}, which comes later or not at all`);
        entries.push({ type: 'file', path, mode, content });
      } else if (type === '2') entries.push({ type: 'symlink', path, target: link });
      else if (type === '5') entries.push({ type: 'directory', path, mode });
      else throw new Error(`tar entry ${path} has type ${type}, which an image layer of ours does not hold`);
    }
  }
  return entries;
}

function normaliseIfInside(path: string): string | undefined {
  try {
    return normaliseEntryPath(path);
  } catch {
    return undefined;
  }
}
