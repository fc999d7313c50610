/**
 * A reproducible tar writer for image layers: entries sorted by path, one fixed mtime, owner and
 * group given per entry (root unless said otherwise) and no user or group names, so the same files
 * always give the same bytes and the same layer digest, whoever builds them and when.
 *
 * ustar headers; a PAX extended header carries a path or link target too long for ustar.
 */

export type TarEntry =
  | { type: 'file'; path: string; mode: number; content: Buffer; uid?: number; gid?: number }
  | { type: 'directory'; path: string; mode: number; uid?: number; gid?: number }
  | { type: 'symlink'; path: string; target: string; uid?: number; gid?: number };

const block = 512;

/** A path inside the image: relative, no `.` or `..` segments, no trailing slash. */
export function normaliseEntryPath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0 || segments.includes('..')) {
    throw new Error(`tar entry path ${JSON.stringify(path)} is not a path inside the image`);
  }
  return segments.join('/');
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`${value} does not fit a ${width}-byte tar field`);
  return `${digits.padStart(width - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}): Buffer {
  const h = Buffer.alloc(block);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(fields.uid, 8), 108, 'ascii');
  h.write(octal(fields.gid, 8), 116, 'ascii');
  h.write(octal(fields.size, 12), 124, 'ascii');
  h.write(octal(fields.mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write(fields.typeflag, 156, 'ascii');
  h.write(fields.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function padding(size: number): Buffer {
  return Buffer.alloc((block - (size % block)) % block);
}

/** Splits a path into ustar's prefix and name fields, or undefined when it does not fit. */
function ustarName(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  // "LEN key=value\n", where LEN counts the whole record, its own digits included.
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + 1;
  while (bodyLength + String(length).length !== length) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

/** One tar archive (with its two zero end blocks) holding the entries, sorted by path. */
export function writeTar(entries: readonly TarEntry[], { mtime = 0 }: { mtime?: number } = {}): Buffer {
  const normalised = entries.map((entry) => ({ ...entry, path: normaliseEntryPath(entry.path) }));
  normalised.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts: Buffer[] = [];
  let previous: string | undefined;
  for (const entry of normalised) {
    if (entry.path === previous) throw new Error(`tar entry ${entry.path} appears twice`);
    previous = entry.path;
    const path = entry.type === 'directory' ? `${entry.path}/` : entry.path;
    const linkname = entry.type === 'symlink' ? entry.target : '';
    const content = entry.type === 'file' ? entry.content : Buffer.alloc(0);
    const split = ustarName(path);
    const pax: string[] = [];
    if (!split) pax.push(paxRecord('path', path));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    const common = { mode: 0, uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime };
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8');
      const paxName = `PaxHeaders/${path.slice(-80).replace(/\/$/, '')}`;
      parts.push(
        header({
          ...common,
          name: paxName,
          prefix: '',
          mode: 0o644,
          size: body.length,
          typeflag: 'x',
          linkname: '',
        }),
        body,
        padding(body.length),
      );
    }
    const { name, prefix } = split ?? { name: path.slice(-100), prefix: '' };
    parts.push(
      header({
        ...common,
        name,
        prefix,
        mode: entry.type === 'symlink' ? 0o777 : entry.mode,
        size: content.length,
        typeflag: entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2',
        linkname,
      }),
      content,
      padding(content.length),
    );
  }
  parts.push(Buffer.alloc(block * 2));
  return Buffer.concat(parts);
}
