import type { KubeVerb } from '../../lib/request-counter.js';

export interface ClassifiedRequest {
  verb: KubeVerb;
  /** Plural resource, with "/subresource" when there is one, e.g. "externalsecrets/status". */
  resource: string;
}

/**
 * Reads verb and resource off a REST request the way the API server's request-info resolver does:
 * /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/[namespaces/NS/]RESOURCE...
 */
export function classifyRequest(method: string, url: string, contentType?: string): ClassifiedRequest {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  let rest: string[];
  if (segments[0] === 'api') rest = segments.slice(2);
  else if (segments[0] === 'apis') rest = segments.slice(3);
  else return { verb: 'other', resource: segments.join('/') || '/' };

  let resource: string | undefined;
  let name: string | undefined;
  let sub: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    [, , resource, name, sub] = rest;
  } else {
    [resource, name, sub] = rest;
  }
  const fullResource = `${resource ?? ''}${sub ? `/${sub}` : ''}`;

  switch (method.toUpperCase()) {
    case 'GET':
      return { verb: name ? 'get' : 'list', resource: fullResource };
    case 'POST':
      return { verb: 'create', resource: fullResource };
    case 'PUT':
      return { verb: 'update', resource: fullResource };
    case 'PATCH':
      return {
        verb: contentType?.startsWith('application/apply-patch') ? 'apply' : 'patch',
        resource: fullResource,
      };
    case 'DELETE':
      return { verb: 'delete', resource: fullResource };
    default:
      return { verb: 'other', resource: fullResource };
  }
}
