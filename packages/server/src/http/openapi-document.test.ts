/** The OpenAPI document built from declarations, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { buildOpenApiDocument, mediaTypeOf, openApiPath } from './openapi.js';
import { Answer, defineRoute } from './route.js';

const token = defineRoute({
  method: 'POST',
  url: '/oauth/token',
  summary: 'Poll',
  tag: 'OAuth',
  auth: 'none',
  acceptsForm: true,
  body: z.looseObject({ device_code: z.unknown() }),
  response: { status: 200, schema: z.object({ access_token: z.string() }), description: 'A token' },
  otherResponses: { 400: { schema: z.object({ error: z.literal('slow_down') }), description: 'Not yet' } },
  errors: { RATE_LIMIT_EXCEEDED: 'Too many polls' },
  async handler() {
    return new Answer(400, { error: 'slow_down' as const });
  },
});
const page = defineRoute({
  method: 'GET',
  url: '/page',
  summary: 'Page',
  tag: 'Pages',
  auth: 'none',
  response: { status: 200, schema: z.string(), description: 'HTML', contentType: 'text/html; charset=utf-8', headers: { 'x-frame-options': 'DENY' } },
  async handler() {
    return '<p>';
  },
});
const declare = (method: 'GET' | 'DELETE', auth: 'account' | 'session' | 'inference') =>
  defineRoute({
    method,
    url: '/things/:id',
    summary: `${method} a thing`,
    tag: 'Things',
    auth,
    scopes: auth === 'account' ? ['things.write'] : undefined,
    params: z.object({ id: z.string() }),
    response: { status: 200, schema: z.object({ id: z.string() }), description: 'The thing' },
    errors: { NOT_FOUND: 'No such thing' },
    async handler({ params }) {
      return { id: params.id };
    },
  });

const document = buildOpenApiDocument([token, page, declare('GET', 'inference'), declare('DELETE', 'account')], '1.2.3');
const operation = (path: string, method: string) => document.paths[path]![method] as any;

describe('buildOpenApiDocument', () => {
  test('paths in OpenAPI syntax, both methods of one path, tags in declaration order', () => {
    assert.equal(openApiPath('/a/:id/b/:user_code'), '/a/{id}/b/{user_code}');
    assert.deepEqual(Object.keys(document.paths['/things/{id}']!), ['get', 'delete']);
    assert.deepEqual(
      document.tags.map((tag) => tag.name),
      ['OAuth', 'Pages', 'Things'],
    );
    assert.equal(document.info.version, '1.2.3');
    assert.match(document.info.description, /405 `METHOD_NOT_ALLOWED` with `Allow`/);
    assert.ok(document.components.responses.MethodNotAllowed);
  });

  test('form bodies, other answers beside the envelope, and declared errors with their headers', () => {
    const poll = operation('/oauth/token', 'post');
    assert.deepEqual(Object.keys(poll.requestBody.content), ['application/json', 'application/x-www-form-urlencoded']);
    assert.ok(poll.requestBody.content['application/x-www-form-urlencoded'].schema.properties.device_code);
    assert.deepEqual(Object.keys(poll.responses), ['200', '400', '413', '422', '429', 'default']);
    const [oauth, envelope] = poll.responses['400'].content['application/json'].schema.anyOf;
    assert.deepEqual(oauth.properties.error, { type: 'string', const: 'slow_down' });
    assert.deepEqual(envelope, { $ref: '#/components/schemas/ErrorEnvelope' });
    assert.deepEqual(Object.keys(poll.responses['400']['x-error-ids']), ['INVALID_REQUEST']);
    assert.ok(poll.responses['429'].headers['retry-after']);
    assert.deepEqual(poll.security, []);
  });

  test('a text answer under its media type, with its declared headers', () => {
    assert.equal(mediaTypeOf('text/html; charset=utf-8'), 'text/html');
    const ok = operation('/page', 'get').responses['200'];
    assert.deepEqual(ok.content, { 'text/html': { schema: { type: 'string' } } });
    assert.deepEqual(ok.headers['x-frame-options'], { description: 'DENY', schema: { type: 'string' } });
    assert.ok(ok.headers['x-request-id']);
  });

  test('auth: security, scopes, and which answers carry x-accepted-scopes and x-token-expires-at', () => {
    const remove = operation('/things/{id}', 'delete');
    assert.deepEqual(remove.security, [{ sessionCookie: [] }, { bearerToken: ['things.write'] }]);
    assert.deepEqual(remove['x-required-scopes'], ['things.write']);
    assert.deepEqual(Object.keys(remove.responses), ['200', '400', '401', '403', '404', '413', '422', 'default']);
    assert.ok(remove.responses['403'].headers['x-accepted-scopes']);
    assert.ok(remove.responses['404'].headers['x-token-expires-at']);
    assert.equal(remove.responses['401'].headers['x-token-expires-at'], undefined, 'a refused token has no expiry to tell');

    const get = operation('/things/{id}', 'get');
    assert.deepEqual(get.security, [{ apiKey: [] }, { bearerToken: ['inference'] }]);
    assert.deepEqual(Object.keys(get.responses), ['200', '401', '403', '404', '422', '503', 'default']);
    assert.ok(get.responses['503'].headers['retry-after']);
    assert.equal(get.responses['503'].headers['x-token-expires-at'], undefined);
    assert.deepEqual(get.parameters, [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);

    const session = buildOpenApiDocument([declare('GET', 'session')], '1').paths['/things/{id}']!.get as any;
    assert.deepEqual(session.security, [{ sessionCookie: [] }]);
    assert.equal(session['x-required-scopes'], undefined);
    assert.equal(session.responses['403'].headers['x-accepted-scopes'], undefined, 'a session holds every scope');
    assert.ok(session.responses['403'].headers['x-token-expires-at'], 'a session route refuses a valid token with 403');
    assert.equal(session.responses['200'].headers['x-token-expires-at'], undefined);
  });
});
