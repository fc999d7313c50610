import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const tempPrefix = (path: string): string => `.${basename(path)}.`;

/**
 * Writes `text` to `path` so a reader (or a crash) sees either the old file or the new one, never
 * half of one: write a temporary file in the same folder, flush it to disk, then rename over.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes temporary files a crashed writer left beside `path`. */
export async function removeLeftoverTempFiles(path: string): Promise<string[]> {
  const prefix = tempPrefix(path);
  const leftovers = (await readdir(dirname(path))).filter((f) => f.startsWith(prefix) && f.endsWith('.tmp'));
  await Promise.all(leftovers.map((f) => rm(join(dirname(path), f), { force: true })));
  return leftovers;
}
