/**
 * `cdk synth` / `cdk deploy` entry point. Synthesizes without AWS credentials: the stack is
 * environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION (or FLEET_SECRETS_ACCOUNT/REGION) are
 * set. Deploy-time settings come from CDK context (-c key=value, or cdk.json "context"), see
 * docs/deploy.md.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ensureBundles } from './bundles.js';
import { propsFromContext } from './context-props.js';
import { FleetSecretsStack } from './fleet-secrets-stack.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
// Synth fails on any cdk-nag finding the stack does not acknowledge with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const props = propsFromContext(app, projectRoot);
ensureBundles(props.bundleDir!, projectRoot);

const account = process.env.FLEET_SECRETS_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.FLEET_SECRETS_REGION ?? process.env.CDK_DEFAULT_REGION;
new FleetSecretsStack(app, app.node.tryGetContext('fleet-secrets:stackName') ?? 'FleetSecrets', {
  ...props,
  ...(account || region ? { env: { account, region } } : {}),
});
app.synth();
