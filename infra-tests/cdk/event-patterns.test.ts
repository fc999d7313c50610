import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SWEEP_SCHEDULE,
  ROTATION_EVENT_PATTERNS,
  type RotationRuleKey,
} from '../../cdk/event-patterns.js';
import { parseSecretsManagerEvent } from '../../shared/domain/events/secrets-manager-events.js';
import { matchesEventPattern } from './event-pattern-matcher.js';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/events/', import.meta.url));
const index = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(`${fixturesDir}index.json`, 'utf8'))).filter(
    ([k]) => !k.startsWith('$'),
  ),
) as Record<string, RotationRuleKey | null>;
const fixtureNames = readdirSync(fixturesDir).filter((f) => f.endsWith('.json') && f !== 'index.json');
const load = (name: string): unknown => JSON.parse(readFileSync(`${fixturesDir}${name}`, 'utf8'));
const ruleKeys = Object.keys(ROTATION_EVENT_PATTERNS) as RotationRuleKey[];

describe('event fixtures against the rotation rules', () => {
  it('should list every checked-in fixture in index.json and nothing else', () => {
    expect(Object.keys(index).sort()).toEqual([...fixtureNames].sort());
  });

  it('should cover every rule with at least one fixture that reaches it', () => {
    expect(new Set(Object.values(index).filter(Boolean))).toEqual(new Set(ruleKeys));
  });

  it.each(fixtureNames)('should deliver %s to exactly the rule index.json names', (name) => {
    const event = load(name);
    const matched = ruleKeys.filter((key) => matchesEventPattern(ROTATION_EVENT_PATTERNS[key], event));
    const expected = index[name];
    expect(matched).toEqual(expected ? [expected] : []);
  });

  it.each(fixtureNames)('should deliver %s exactly when the rotation handler would act on it', (name) => {
    // A change the handler acts on but no rule delivers would never reach the fleet; an event a
    // rule delivers that the handler drops costs an invocation for nothing.
    const event = load(name);
    const delivered = ruleKeys.some((key) => matchesEventPattern(ROTATION_EVENT_PATTERNS[key], event));
    expect(delivered).toBe(parseSecretsManagerEvent(event).ok);
  });
});

describe('the deployed rules', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize();
  }, SYNTH_TIMEOUT_MS);

  it('should deploy exactly the patterns of cdk/event-patterns.ts, each to the rotation function', () => {
    const rotationFnId = s.logicalId(s.stack.functions.byName.rotation.function);
    const dlqId = s.logicalId(s.stack.events.deadLetterQueue);
    for (const key of ruleKeys) {
      const rule = s.template.toJSON().Resources[s.logicalId(s.stack.events.rotationRules[key])];
      expect(rule.Properties.EventPattern).toEqual(ROTATION_EVENT_PATTERNS[key]);
      expect(rule.Properties.State).toBe('ENABLED');
      expect(rule.Properties.EventBusName, 'the default bus, where AWS services publish').toBeUndefined();
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [rotationFnId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
        },
      ]);
    }
  });

  it('should run the sweep on the schedule, with no event pattern', () => {
    const rule = s.template.toJSON().Resources[s.logicalId(s.stack.events.sweepRule)];
    expect(rule.Properties.ScheduleExpression).toBe(DEFAULT_SWEEP_SCHEDULE);
    expect(rule.Properties.EventPattern).toBeUndefined();
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [s.logicalId(s.stack.functions.byName.sweep.function), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [s.logicalId(s.stack.events.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
      },
    ]);
  });

  it('should let EventBridge invoke rotation only from its three rules and sweep only from the schedule', () => {
    const permissions = Object.values(s.template.findResources('AWS::Lambda::Permission')).map(
      (p) => p.Properties,
    );
    const fnId = (name: 'rotation' | 'sweep') => s.logicalId(s.stack.functions.byName[name].function);
    const ruleArn = (rule: Parameters<Synthesized['logicalId']>[0]) => ({
      'Fn::GetAtt': [s.logicalId(rule), 'Arn'],
    });
    const expected = [
      ...ruleKeys.map((key) => ({
        fn: fnId('rotation'),
        source: ruleArn(s.stack.events.rotationRules[key]),
      })),
      { fn: fnId('sweep'), source: ruleArn(s.stack.events.sweepRule) },
    ];
    expect(permissions).toHaveLength(expected.length);
    for (const { fn, source } of expected) {
      expect(permissions).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: source,
      });
    }
  });

  it(
    'should take the sweep schedule from props',
    () => {
      const custom = synthesize({ sweepSchedule: 'rate(5 minutes)' });
      const rule = custom.template.toJSON().Resources[custom.logicalId(custom.stack.events.sweepRule)];
      expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    },
    SYNTH_TIMEOUT_MS,
  );
});
