import { describe, expect, it } from 'vitest';
import { ROLE_SESSION_NAME_MAX, roleSessionName } from './role-session-name.js';

const STS_CHARSET = /^[\w+=,.@-]{2,64}$/;

describe('roleSessionName', () => {
  it('should name the cluster and namespace that asked', () => {
    expect(roleSessionName({ clusterId: 'prod-eu-1', namespace: 'payments' })).toBe(
      'fleet-secrets@prod-eu-1.payments',
    );
  });

  it('should name only the cluster when a read serves several namespaces', () => {
    expect(roleSessionName({ clusterId: 'prod-eu-1' })).toBe('fleet-secrets@prod-eu-1');
  });

  it('should fall back to the prefix alone without a context', () => {
    expect(roleSessionName({})).toBe('fleet-secrets');
  });

  it('should replace characters STS refuses', () => {
    const name = roleSessionName({ clusterId: 'arn:aws:eks:eu/prod cluster', namespace: 'a#b' });
    expect(name).toMatch(STS_CHARSET);
    expect(name).toBe('fleet-secrets@arn-aws-eks-eu-prod-cluster.a-b');
  });

  it('should cut long names to 64 characters and keep two long names apart', () => {
    const long = 'c'.repeat(80);
    const a = roleSessionName({ clusterId: long, namespace: 'team-a' });
    const b = roleSessionName({ clusterId: long, namespace: 'team-b' });
    expect(a).toHaveLength(ROLE_SESSION_NAME_MAX);
    expect(a).toMatch(STS_CHARSET);
    expect(a.startsWith('fleet-secrets@ccc')).toBe(true);
    expect(a).not.toBe(b);
  });

  it('should pad a one-character result to the two STS requires', () => {
    expect(roleSessionName({}, 'x')).toMatch(STS_CHARSET);
  });
});
