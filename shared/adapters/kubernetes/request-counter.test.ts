import { describe, expect, it } from 'vitest';
import { classifyRequest, diffCounts, RequestCounter } from './request-counter.js';

const base = 'https://127.0.0.1:6443';

describe('classifyRequest', () => {
  it.each([
    ['GET', '/api/v1/namespaces/a/secrets?labelSelector=x', undefined, 'list', 'secrets'],
    ['GET', '/api/v1/secrets', undefined, 'list', 'secrets'],
    ['GET', '/api/v1/namespaces', undefined, 'list', 'namespaces'],
    ['GET', '/api/v1/namespaces/a', undefined, 'get', 'namespaces'],
    ['PATCH', '/api/v1/namespaces/a/secrets/db', 'application/apply-patch+yaml', 'apply', 'secrets'],
    [
      'PATCH',
      '/apis/fleet-secrets.io/v1/namespaces/a/externalsecrets/db/status',
      'application/merge-patch+json',
      'patch',
      'externalsecrets/status',
    ],
    ['POST', '/api/v1/namespaces/a/events', 'application/json', 'create', 'events'],
    ['DELETE', '/api/v1/namespaces/a/secrets/db', undefined, 'delete', 'secrets'],
    ['GET', '/apis/fleet-secrets.io/v1/clusterexternalsecrets/x', undefined, 'get', 'clusterexternalsecrets'],
  ])('should read %s %s as its Kubernetes verb and resource', (method, path, contentType, verb, resource) => {
    expect(classifyRequest(method, base + path, contentType)).toEqual({ verb, resource });
  });

  it('should call anything outside /api and /apis "other"', () => {
    expect(classifyRequest('GET', `${base}/version`)).toEqual({ verb: 'other', resource: 'version' });
  });
});

describe('RequestCounter', () => {
  it('should count reads and writes separately and by action', () => {
    const counter = new RequestCounter();
    counter.record('list', 'secrets');
    counter.record('apply', 'secrets');
    counter.record('apply', 'secrets');
    counter.record('create', 'events');
    expect(counter.snapshot()).toEqual({
      total: 4,
      reads: 1,
      writes: 3,
      byAction: { 'apply secrets': 2, 'create events': 1, 'list secrets': 1 },
    });
  });

  it('should tell what happened between two snapshots', () => {
    const counter = new RequestCounter();
    counter.record('list', 'secrets');
    const before = counter.snapshot();
    counter.record('list', 'secrets');
    counter.record('delete', 'secrets');
    expect(diffCounts(before, counter.snapshot())).toEqual({
      total: 2,
      reads: 1,
      writes: 1,
      byAction: { 'list secrets': 1, 'delete secrets': 1 },
    });
  });
});
