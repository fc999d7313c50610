import { describe, expect, it } from 'vitest';
import { FUNCTION_OUTPUT_PREFIX } from '../../cdk/fleet-secrets-stack.js';
import { OUTPUT_KEYS, regionOfArn, stackOutputsFrom } from './cdk-outputs.js';

const arn = 'arn:aws:lambda:eu-west-1:111122223333:function:FleetSecrets-Api';

describe('stack outputs', () => {
  it('should use the output keys the stack declares', () => {
    expect(OUTPUT_KEYS.apiFunctionArn).toBe(`${FUNCTION_OUTPUT_PREFIX.api}Arn`);
    expect(OUTPUT_KEYS.apiFunctionName).toBe(`${FUNCTION_OUTPUT_PREFIX.api}Name`);
    expect(OUTPUT_KEYS.ingestFunctionArn).toBe(`${FUNCTION_OUTPUT_PREFIX.ingest}Arn`);
  });

  it('should find the api function and its region in cdk deploy --outputs-file JSON', () => {
    const outputs = stackOutputsFrom(
      {
        Other: { Foo: 'bar' },
        FleetSecrets: { ApiFunctionArn: arn, WatcherRoleArn: 'arn:aws:iam::111122223333:role/w' },
      },
      'cdk-outputs.json',
    );
    expect(outputs).toEqual({
      stackName: 'FleetSecrets',
      apiFunction: arn,
      region: 'eu-west-1',
      watcherRoleArn: 'arn:aws:iam::111122223333:role/w',
    });
  });

  it('should refuse a file without the stack, or with two of them', () => {
    expect(() => stackOutputsFrom({ Other: {} }, 'o.json')).toThrow(/no fleet-secrets stack outputs/);
    expect(() =>
      stackOutputsFrom({ A: { ApiFunctionArn: arn }, B: { ApiFunctionArn: arn } }, 'o.json'),
    ).toThrow(/several fleet-secrets stacks \(A, B\): pass --api-function/);
  });

  it('should read the region of an ARN', () => {
    expect(regionOfArn(arn)).toBe('eu-west-1');
    expect(regionOfArn('my-function')).toBeUndefined();
  });
});
