/**
 * Reads manifests from files and folders (YAML, several documents per file, or JSON) keeping
 * where each came from, so every problem can be reported as file:line with the field path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import { UsageError } from '../errors.js';
import { parseFieldPath } from './field-path.js';

export interface LoadedManifest {
  /** As the user should read it: relative to the working directory when inside it. */
  file: string;
  /** Line (1-based) where the document starts. */
  line: number;
  object: unknown;
  /** Line of the node a field path points at, or of its deepest existing parent. */
  lineOf(path: string): number;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Every manifest file named: files as given, folders' *.yaml|*.yml|*.json (recursively with `recursive`). */
export function manifestFiles(paths: readonly string[], recursive = false): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`-f ${path}: no such file or folder`);
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (recursive) walk(full);
        } else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) {
          files.push(full);
        }
      }
    };
    walk(path);
  }
  return files;
}

export function loadManifests(
  paths: readonly string[],
  options: { recursive?: boolean } = {},
): LoadedManifest[] {
  const manifests: LoadedManifest[] = [];
  const problems: string[] = [];
  const files = paths.includes('-')
    ? [
        ...manifestFiles(
          paths.filter((p) => p !== '-'),
          options.recursive,
        ),
        '-',
      ]
    : manifestFiles(paths, options.recursive);
  for (const path of files) {
    const shown = path === '-' ? '<stdin>' : displayPath(path);
    const parsed = parseManifestText(readFileSync(path === '-' ? 0 : path, 'utf8'), shown);
    manifests.push(...parsed.manifests);
    problems.push(...parsed.problems);
  }
  if (problems.length > 0) throw new UsageError('cannot read the manifests', problems);
  return manifests;
}

export function parseManifestText(
  text: string,
  file: string,
): { manifests: LoadedManifest[]; problems: string[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const manifests: LoadedManifest[] = [];
  const problems: string[] = [];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        // yaml's message quotes the source after " at line"; a manifest may hold a secret literal.
        const what = error.message.split(' at line ')[0];
        problems.push(`${file}:${lineAt(error.pos[0])}: ${what}`);
      }
      continue;
    }
    if (doc.contents === null) continue;
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    const start = doc.contents.range?.[0] ?? 0;
    manifests.push({
      file,
      line: lineAt(start),
      object,
      lineOf: (path) => lineAt(offsetOf(doc, path) ?? start),
    });
  }
  return { manifests, problems };
}

/** Offset of the node (for a map key: the key) a field path names, or of its deepest existing parent. */
function offsetOf(doc: Document, path: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0];
  for (const segment of parseFieldPath(path)) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
