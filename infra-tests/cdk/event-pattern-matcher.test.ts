import { describe, expect, it } from 'vitest';
import type { EventPattern } from '../../cdk/event-patterns.js';
import { matchesEventPattern, UnsupportedPatternError } from './event-pattern-matcher.js';

const event = {
  source: 'aws.secretsmanager',
  'detail-type': 'AWS API Call via CloudTrail',
  resources: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbC123', 'arn:other'],
  detail: {
    eventName: 'PutSecretValue',
    requestParameters: { secretId: 'team/db' },
    readOnly: false,
    nothing: null,
  },
};

describe('matchesEventPattern', () => {
  it('should match when every named field matches one of its values and ignore unnamed fields', () => {
    expect(matchesEventPattern({ source: ['aws.ec2', 'aws.secretsmanager'] }, event)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.ec2'] }, event)).toBe(false);
  });

  it('should compare exact values case-sensitively and by type', () => {
    expect(matchesEventPattern({ detail: { eventName: ['putsecretvalue'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { readOnly: [false] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { readOnly: ['false'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { nothing: [null] } }, event)).toBe(true);
  });

  it('should match an array value when any element matches', () => {
    expect(matchesEventPattern({ resources: ['arn:other'] }, event)).toBe(true);
    expect(matchesEventPattern({ resources: [{ prefix: 'arn:aws:secretsmanager:' }] }, event)).toBe(true);
  });

  it('should descend into nested objects and fail when the event lacks the object', () => {
    expect(matchesEventPattern({ detail: { requestParameters: { secretId: ['team/db'] } } }, event)).toBe(
      true,
    );
    expect(matchesEventPattern({ detail: { responseElements: { arn: [{ exists: true }] } } }, event)).toBe(
      false,
    );
  });

  it('should treat exists false as "absent" and exists true as "present leaf"', () => {
    expect(matchesEventPattern({ detail: { errorCode: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { eventName: [{ exists: false }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { eventName: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { errorCode: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { requestParameters: [{ exists: true }] } }, event)).toBe(false);
  });

  it('should apply prefix, suffix, equals-ignore-case and anything-but to present values only', () => {
    expect(matchesEventPattern({ detail: { eventName: [{ prefix: 'Put' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { eventName: [{ suffix: 'Value' }] } }, event)).toBe(true);
    expect(
      matchesEventPattern({ detail: { eventName: [{ 'equals-ignore-case': 'putsecretvalue' }] } }, event),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { eventName: [{ 'anything-but': ['PutSecretValue'] }] } }, event),
    ).toBe(false);
    expect(
      matchesEventPattern({ detail: { eventName: [{ 'anything-but': 'GetSecretValue' }] } }, event),
    ).toBe(true);
    expect(matchesEventPattern({ detail: { errorCode: [{ 'anything-but': 'x' }] } }, event)).toBe(false);
  });

  it('should refuse operators it does not implement instead of guessing', () => {
    const numeric = { detail: { size: [{ numeric: ['>', 1] }] } } as unknown as EventPattern;
    expect(() => matchesEventPattern(numeric, event)).toThrow(UnsupportedPatternError);
    const or = { $or: [{ source: ['x'] }] } as unknown as EventPattern;
    expect(() => matchesEventPattern(or, event)).toThrow(UnsupportedPatternError);
  });

  it('should not match a non-object event', () => {
    expect(matchesEventPattern({ source: ['x'] }, 'x')).toBe(false);
  });
});
