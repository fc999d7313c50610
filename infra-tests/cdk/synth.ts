/**
 * Synthesizes the stack for the template tests, with throwaway bundles in a temp folder (the
 * stack only needs a file per function to package; the real bundles are `npm run build`'s) and
 * a fixed account/region so ARNs read as literals where CloudFormation allows.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { BUNDLE_ENTRY_FILE } from '../../cdk/bundles.js';
import { FleetSecretsStack, type FleetSecretsStackProps } from '../../cdk/fleet-secrets-stack.js';
import { FUNCTION_NAMES } from '../../shared/contracts/runtime-contract.js';

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' };

/** The first synth in a worker loads aws-cdk-lib and stages assets: seconds on a busy 2-core box. */
export const SYNTH_TIMEOUT_MS = 90_000;

/** Writes a minimal bundle per function into a new temp folder and returns the folder. */
export function makeThrowawayBundles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-secrets-bundles-'));
  for (const name of FUNCTION_NAMES) {
    mkdirSync(join(dir, name));
    writeFileSync(
      join(dir, name, BUNDLE_ENTRY_FILE),
      `export const handler = async () => ({ fn: '${name}' });\n`,
    );
  }
  return dir;
}

export interface Synthesized {
  app: App;
  stack: FleetSecretsStack;
  template: Template;
  /** The logical id CloudFormation knows a construct (or its default child) by. */
  logicalId(construct: IConstruct): string;
}

export function synthesize(props: Partial<FleetSecretsStackProps> = {}): Synthesized {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'fleet-secrets-cdk-out-')) });
  const stack = new FleetSecretsStack(app, 'FleetSecretsTest', {
    env: TEST_ENV,
    bundleDir: makeThrowawayBundles(),
    ...props,
  });
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    logicalId: (construct) => logicalIdOf(stack, construct),
  };
}

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.getLogicalId(element);
}

/**
 * Renders CloudFormation intrinsics as readable strings ("${Table.Arn}", "${AWS::Region}") so
 * tests can compare whole IAM statements and patterns literally.
 */
export function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = obj[key];
    if (key === 'Ref') return `\${${String(arg)}}`;
    if (key === 'Fn::GetAtt') return `\${${(arg as string[]).join('.')}}`;
    if (key === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(readable(p))).join(sep);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, readable(obj[k])]));
}
