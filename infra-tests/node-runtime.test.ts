import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../scripts/node-runtime.js';
import { SYNTH_TIMEOUT_MS, synthesize } from './cdk/synth.js';

describe('the Node.js release the product ships on', () => {
  it('should be the release this suite runs on (npm test goes through with-node-lts.mjs)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(nodeRuntime.major);
  });

  it('should be the runtime of every function in the synthesized stack', {
    timeout: SYNTH_TIMEOUT_MS,
  }, () => {
    const functions = synthesize().template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Runtime?: string } }
    >;
    const runtimes = new Set(
      Object.values(functions)
        .map((r) => r.Properties.Runtime)
        .filter((r) => r?.startsWith('nodejs')),
    );
    expect([...runtimes]).toEqual([nodeRuntime.lambdaRuntime]);
  });

  it('should be what package.json engines require', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${nodeRuntime.major}`);
  });
});
