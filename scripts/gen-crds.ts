/**
 * Writes crds/*.yaml from the TypeBox schema (shared/domain/schema.ts).
 *   npm run gen:crds            regenerate
 *   npm run gen:crds -- --check exit 1 when crds/ is out of date
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrdFiles, crdFileText } from '../shared/domain/crds.js';

const dir = join(import.meta.dirname, '..', 'crds');
const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(dir, { recursive: true });
for (const file of buildCrdFiles()) {
  const path = join(dir, file.fileName);
  const text = crdFileText(file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === text) continue;
  stale++;
  if (check) console.error(`${path} is out of date`);
  else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
if (check && stale > 0) {
  console.error('run `npm run gen:crds`');
  process.exit(1);
}
