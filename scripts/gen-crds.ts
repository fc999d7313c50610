/**
 * Writes the CRD files from the TypeBox schema (shared/domain/schema.ts) into crds/ and into the
 * Helm chart's crds/ (helm installs CRDs only from a folder inside the chart, so it holds a copy).
 *   npm run gen:crds            regenerate
 *   npm run gen:crds -- --check exit 1 when either folder is out of date
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrdFiles, crdFileText } from '../shared/domain/crds.js';

const root = join(import.meta.dirname, '..');
/** Every folder that holds the generated CRDs. */
const crdDirs = [join(root, 'crds'), join(root, 'deploy', 'helm', 'fleet-secrets-watcher', 'crds')];
const check = process.argv.includes('--check');
let stale = 0;
for (const dir of crdDirs) {
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
}
if (check && stale > 0) {
  console.error('run `npm run gen:crds`');
  process.exit(1);
}
