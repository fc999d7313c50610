import { describe, expect, it } from 'vitest';
import { classifyRequest } from './classify-request.js';

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
