import { describe, expect, it } from 'vitest';
import { authorizerRequestEvent, proxyRequestEvent, restRequest } from '../../functions/commons/rest-api-events';

const ARN = 'arn:aws:execute-api:local:000000000000:local/local/GET/api/v1/push.get';

describe('REST API (v1) events', () => {
  it('keeps the last value of a repeated name in the single-value maps and all of them in the multi-value maps', () => {
    const request = restRequest({
      path: '/local/api/v1/push.get',
      headers: [
        ['X-User-Id', 'a'],
        ['Accept', 'application/json'],
        ['X-User-Id', 'b'],
      ],
      query: new URLSearchParams('id=1&id=2&other=x'),
    });
    expect(request.headers).toStrictEqual({ 'X-User-Id': 'b', Accept: 'application/json' });
    expect(request.multiValueHeaders).toStrictEqual({ 'X-User-Id': ['a', 'b'], Accept: ['application/json'] });
    expect(request.queryStringParameters).toStrictEqual({ id: '2', other: 'x' });
    expect(request.multiValueQueryStringParameters).toStrictEqual({ id: ['1', '2'], other: ['x'] });
    expect(request).toMatchObject({ resource: '/api/v1/push.get', path: '/local/api/v1/push.get', httpMethod: 'GET', pathParameters: null, stageVariables: null });
  });

  it('has null query maps without a query', () => {
    const request = restRequest({ path: '/api/v1/push.get', headers: [], query: [] });
    expect(request.queryStringParameters).toBeNull();
    expect(request.multiValueQueryStringParameters).toBeNull();
  });

  it('turns names such as __proto__ into own properties, leaving Object.prototype alone', () => {
    const request = restRequest({ path: '/api/v1/push.get', headers: [['__proto__', 'h']], query: new URLSearchParams('__proto__=q&constructor=c') });
    expect(Object.hasOwn(request.headers, '__proto__')).toBe(true);
    expect(request.queryStringParameters?.['__proto__']).toBe('q');
    expect(Object.getPrototypeOf(request.queryStringParameters)).toBe(Object.prototype);
    expect(Object.hasOwn(request.queryStringParameters!, 'constructor')).toBe(true);
  });

  it('carries the same request in the authorizer event and the proxy event, the delivered context only in the latter', () => {
    const request = restRequest({ path: '/api/v1/push.get', headers: [['X-User-Id', 'u']], query: [['id', 'm']] });
    const authorizer = authorizerRequestEvent(request, { requestId: 'r' }, ARN);
    const proxy = proxyRequestEvent(request, { requestId: 'r' }, { userId: 'u', principalId: 'u' });
    expect(authorizer).toMatchObject({ ...request, type: 'REQUEST', methodArn: ARN, requestContext: { requestId: 'r' } });
    expect(authorizer.requestContext).not.toHaveProperty('authorizer');
    expect(proxy).toMatchObject({ ...request, body: null, isBase64Encoded: false, requestContext: { requestId: 'r', authorizer: { userId: 'u', principalId: 'u' } } });
  });
});
