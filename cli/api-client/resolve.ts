/**
 * Which control plane a command talks to, first match wins:
 * 1. --api-url / FLEET_SECRETS_API_URL: a dev mode (HTTP), token from --api-token /
 *    FLEET_SECRETS_API_TOKEN or the dev state file;
 * 2. --api-function / FLEET_SECRETS_API_FUNCTION: the deployed api function (Lambda);
 * 3. --outputs-file FILE: the api function named by `cdk deploy --outputs-file` JSON;
 * 4. a running `fleet-secrets dev` whose state file is in the dev folder;
 * 5. ./cdk-outputs.json.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readDevServer, resolveDevDir } from '../dev-state.js';
import { EXIT, NoControlPlaneError } from '../errors.js';
import type { ApiClient } from './api-client.js';
import { readStackOutputs, regionOfArn, type StackOutputs } from './cdk-outputs.js';
import { HttpApiClient } from './http-api-client.js';

export const DEFAULT_OUTPUTS_FILE = 'cdk-outputs.json';

export interface ConnectionOptions {
  apiUrl?: string;
  apiToken?: string;
  apiFunction?: string;
  outputsFile?: string;
  devDir?: string;
  /** Region of the api function when its ARN does not say (a bare function name). */
  apiRegion?: string;
}

export type ResolvedTarget =
  | { kind: 'http'; url: string; token?: string; source: string }
  | { kind: 'lambda'; functionName: string; region?: string; source: string; outputs?: StackOutputs };

export function resolveTarget(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ResolvedTarget {
  const devDir = resolveDevDir(opts.devDir, env);
  const url = opts.apiUrl ?? env.FLEET_SECRETS_API_URL;
  if (url) {
    const dev = readDevServer(devDir);
    const token = opts.apiToken ?? env.FLEET_SECRETS_API_TOKEN ?? (dev?.url === url ? dev.token : undefined);
    return {
      kind: 'http',
      url,
      ...(token ? { token } : {}),
      source: opts.apiUrl ? '--api-url' : 'FLEET_SECRETS_API_URL',
    };
  }
  const fn = opts.apiFunction ?? env.FLEET_SECRETS_API_FUNCTION;
  if (fn) {
    const region = opts.apiRegion ?? regionOfArn(fn) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    return {
      kind: 'lambda',
      functionName: fn,
      ...(region ? { region } : {}),
      source: opts.apiFunction ? '--api-function' : 'FLEET_SECRETS_API_FUNCTION',
    };
  }
  if (opts.outputsFile) return lambdaFromOutputs(resolve(opts.outputsFile), opts, env);
  const dev = readDevServer(devDir);
  if (dev) return { kind: 'http', url: dev.url, token: dev.token, source: `dev mode (${devDir})` };
  if (existsSync(DEFAULT_OUTPUTS_FILE)) return lambdaFromOutputs(resolve(DEFAULT_OUTPUTS_FILE), opts, env);
  throw new NoControlPlaneError('no control plane to talk to', EXIT.failed, [
    'start one on this machine:  npx fleet-secrets dev',
    'or name a deployed one:      --api-function NAME|ARN  (or FLEET_SECRETS_API_FUNCTION)',
    `or point at the stack outputs: --outputs-file cdk-outputs.json  (cdk deploy --outputs-file ${DEFAULT_OUTPUTS_FILE})`,
  ]);
}

function lambdaFromOutputs(file: string, opts: ConnectionOptions, env: NodeJS.ProcessEnv): ResolvedTarget {
  const outputs = readStackOutputs(file);
  const region = opts.apiRegion ?? outputs.region ?? env.AWS_REGION;
  return {
    kind: 'lambda',
    functionName: outputs.apiFunction,
    ...(region ? { region } : {}),
    source: `stack ${outputs.stackName} in ${file}`,
    outputs,
  };
}

export async function createApiClient(target: ResolvedTarget): Promise<ApiClient> {
  if (target.kind === 'http') {
    return new HttpApiClient({ url: target.url, ...(target.token ? { token: target.token } : {}) });
  }
  // Loaded only when needed: the AWS SDK costs a dev-mode command noticeable start-up time.
  const { LambdaApiClient } = await import('./lambda-api-client.js');
  return new LambdaApiClient({
    functionName: target.functionName,
    ...(target.region ? { region: target.region } : {}),
  });
}
