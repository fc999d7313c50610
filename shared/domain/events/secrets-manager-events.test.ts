import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changeDedupeKey, parseSecretArn, parseSecretsManagerEvent } from './secrets-manager-events.js';

const fixtures = fileURLToPath(new URL('../../../infra-tests/fixtures/events/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${fixtures}${name}`, 'utf8'));

describe('parseSecretArn', () => {
  it('should strip the six-character suffix Secrets Manager appends to the name', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123')).toEqual({
      name: 'prod/db',
      region: 'eu-west-1',
      account: '123456789012',
    });
  });

  it('should reject something that is not a Secrets Manager ARN', () => {
    expect(parseSecretArn('arn:aws:s3:::bucket')).toBeUndefined();
  });
});

describe('parseSecretsManagerEvent on the documented event shapes', () => {
  const cases: Array<[string, { kind: string; name: string; versioned: boolean } | null]> = [
    ['secret-label-updated.json', { kind: 'version-changed', name: 'any', versioned: true }],
    ['secret-label-updated-custom-label.json', null],
    ['cloudtrail-put-secret-value.json', { kind: 'version-changed', name: 'any', versioned: true }],
    ['cloudtrail-update-secret.json', { kind: 'version-changed', name: 'any', versioned: true }],
    [
      'cloudtrail-update-secret-legacy-arn-key.json',
      { kind: 'version-changed', name: 'fleet-secrets/payments/db', versioned: false },
    ],
    [
      'cloudtrail-update-secret-version-stage.json',
      { kind: 'version-changed', name: 'any', versioned: true },
    ],
    ['cloudtrail-rotate-secret.json', { kind: 'version-changed', name: 'any', versioned: false }],
    ['cloudtrail-restore-secret.json', { kind: 'restored', name: 'any', versioned: false }],
    ['cloudtrail-delete-secret.json', { kind: 'deleted', name: 'any', versioned: false }],
    ['cloudtrail-put-secret-value-access-denied.json', null],
    ['cloudtrail-get-secret-value.json', null],
    ['cloudtrail-rotation-succeeded.json', { kind: 'version-changed', name: 'any', versioned: false }],
    ['cloudtrail-rotation-started.json', null],
    ['scheduled-event.json', null],
  ];

  for (const [file, expected] of cases) {
    it(`should ${expected ? `read a ${expected.kind} change from` : 'drop'} ${file}`, () => {
      const outcome = parseSecretsManagerEvent(load(file));
      if (!expected) {
        expect(outcome.ok).toBe(false);
        return;
      }
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const [change] = outcome.changes;
      expect(change?.kind).toBe(expected.kind);
      expect(change?.name).not.toMatch(/^arn:/);
      expect(change?.name).not.toMatch(/-[A-Za-z0-9]{6}$/);
      if (expected.name !== 'any') expect(change?.name).toBe(expected.name);
      if (expected.versioned) expect(change?.versionId).toBeTruthy();
      expect(change?.region).toBeTruthy();
    });
  }

  it('should give the native event and the CloudTrail call of one put the same dedupe key', () => {
    const put = parseSecretsManagerEvent(load('cloudtrail-put-secret-value.json'));
    expect(put.ok).toBe(true);
    if (!put.ok) return;
    const change = put.changes[0]!;
    const native = {
      version: '0',
      'detail-type': 'Secret Label Updated',
      source: 'aws.secretsmanager',
      account: change.account,
      region: change.region,
      time: '2026-11-20T10:00:00Z',
      resources: [change.arn],
      detail: { name: change.name, labelUpdated: 'AWSCURRENT', versionId: change.versionId },
    };
    const nat = parseSecretsManagerEvent(native);
    expect(nat.ok && changeDedupeKey(nat.changes[0]!)).toBe(changeDedupeKey(change));
  });

  it('should give a reason, not throw, for garbage', () => {
    for (const junk of [
      null,
      42,
      'x',
      [],
      { source: 'aws.secretsmanager' },
      { source: 'aws.s3', detail: {} },
    ]) {
      const outcome = parseSecretsManagerEvent(junk);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason.length).toBeGreaterThan(0);
    }
  });
});
