/**
 * Runs the cfn-lint that infra-tests/peers/install-cfn-lint.sh put in the shared cache (a local
 * binary, no server) and returns its findings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const installer = fileURLToPath(new URL('../peers/install-cfn-lint.sh', import.meta.url));

/** The pinned version: the installer's `V=${CFN_LINT_VERSION:-x.y.z}` line is the one place it is set. */
export function cfnLintVersion(): string {
  if (process.env.CFN_LINT_VERSION) return process.env.CFN_LINT_VERSION;
  const match = /^V=\$\{CFN_LINT_VERSION:-([0-9.]+)\}$/m.exec(readFileSync(installer, 'utf8'));
  if (!match?.[1]) throw new Error(`no pinned version found in ${installer}`);
  return match[1];
}

export function cfnLintBinary(): string {
  const cache = process.env.FLEET_SECRETS_CACHE ?? join(homedir(), '.cache', 'fleet-secrets');
  const dir = join(cache, `cfn-lint-${cfnLintVersion()}`);
  if (!existsSync(join(dir, '.installed'))) {
    throw new Error(
      `cfn-lint ${cfnLintVersion()} is not installed in ${dir}: run bash infra-tests/peers/install-cfn-lint.sh`,
    );
  }
  return join(dir, 'bin', 'cfn-lint');
}

export interface CfnLintFinding {
  rule: string;
  level: 'Error' | 'Warning' | 'Informational';
  message: string;
  path: Array<string | number>;
}

export function runCfnLint(templatePath: string): CfnLintFinding[] {
  const run = spawnSync(cfnLintBinary(), ['--format', 'json', '--', templatePath], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
  if (run.status === null || (run.status & 1) === 1) {
    throw new Error(
      `cfn-lint failed to run (status ${String(run.status)}): ${run.stderr || run.error?.message}`,
    );
  }
  const raw = JSON.parse(run.stdout || '[]') as Array<{
    Rule: { Id: string };
    Level: CfnLintFinding['level'];
    Message: string;
    Location: { Path: Array<string | number> };
  }>;
  return raw.map((f) => ({ rule: f.Rule.Id, level: f.Level, message: f.Message, path: f.Location.Path }));
}
