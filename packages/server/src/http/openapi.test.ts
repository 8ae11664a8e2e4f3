import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { openApiPath } from './openapi.js';

describe('/api/openapi.json', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('lists every route Fastify registered, with its method', async () => {
    const response = await t.client().get('/api/openapi.json');
    assert.equal(response.status, 200);
    const document = response.body;
    assert.equal(document.openapi, '3.1.0');
    const registered = t.server.app.registeredRoutes.filter((route) => route.method !== 'HEAD');
    assert.ok(registered.length >= 14);
    for (const route of registered) {
      const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.url} is missing from the OpenAPI document`);
    }
  });

  // The generator writes a `default` response into every operation, so checking that one is
  // there proves nothing. What must hold is that the document tells the truth: a route it
  // marks as authenticated refuses an anonymous request, with a body its error schema accepts,
  // and a route it marks as public does not.
  test('every route answers as documented: the security it lists, and errors in the envelope it describes', async () => {
    const { body: document } = await t.client().get('/api/openapi.json');
    const envelope = new Ajv({ strict: false }).compile(document.components.schemas.ErrorEnvelope);
    const registered = t.server.app.registeredRoutes.filter((route) => route.method !== 'HEAD');
    for (const route of registered) {
      const name = `${route.method} ${route.url}`;
      const operation = document.paths[openApiPath(route.url)][route.method.toLowerCase()];
      assert.equal(operation.responses.default.content['application/json'].schema.$ref, '#/components/schemas/ErrorEnvelope', name);
      const response = await t.client().request(route.method, route.url.replace(/:[A-Za-z_]+/g, 'x'));
      if (operation.security.length === 0) {
        assert.notEqual(response.status, 401, `${name} is documented as public`);
        continue;
      }
      assert.equal(response.status, 401, `${name} is documented as authenticated (${JSON.stringify(operation.security)})`);
      assert.ok(envelope(response.body), `${name}: the documented envelope rejects its 401: ${JSON.stringify(envelope.errors)}`);
    }
  });

  test('request bodies come from the same zod schemas that validate them', async () => {
    const { body: document } = await t.client().get('/api/openapi.json');
    const create = document.paths['/api/v1/keys'].post;
    const name = create.requestBody.content['application/json'].schema.properties.name;
    assert.equal(name.type, 'string');
    assert.equal(name.maxLength, 64);
    const list = document.paths['/api/v1/keys'].get;
    const perPage = list.parameters.find((p: { name: string }) => p.name === 'per_page');
    assert.equal(perPage.in, 'query');
    assert.equal(perPage.schema.maximum, 100);
    assert.deepEqual(document.paths['/v1/models'].get.security, [{ apiKey: [] }, { bearerToken: ['inference'] }]);
  });

  test('the answers routes really give beyond their main one are in it', async () => {
    const { body: document } = await t.client().get('/api/openapi.json');
    const poll = document.paths['/api/oauth/token'].post;
    assert.deepEqual(Object.keys(poll.requestBody.content), ['application/json', 'application/x-www-form-urlencoded']);
    const form = poll.requestBody.content['application/x-www-form-urlencoded'].schema;
    assert.ok(form.properties.grant_type && form.properties.device_code);
    const [oauthError] = poll.responses['400'].content['application/json'].schema.anyOf;
    assert.ok(oauthError.properties.error.enum.includes('authorization_pending'));
    assert.ok(oauthError.properties.error.enum.includes('slow_down'));
    assert.ok(document.paths['/api/oauth/device'].post.requestBody.content['application/x-www-form-urlencoded']);

    assert.deepEqual(Object.keys(document.paths['/metrics'].get.responses['200'].content), ['text/plain']);

    const signin = document.paths['/api/v1/auth/signin'].post.responses;
    assert.ok(signin['200'].headers['set-cookie']);
    assert.ok(signin['429'].headers['retry-after']);
    assert.deepEqual(Object.keys(signin['401']['x-error-ids']), ['UNAUTHORIZED']);
    const createKey = document.paths['/api/v1/keys'].post.responses;
    assert.ok(createKey['403'].headers['x-accepted-scopes']);
    const rotate = document.paths['/api/v1/tokens/{id}/rotate'].post.responses['403'];
    assert.ok(rotate.headers['x-accepted-scopes'], 'a session route that refuses wider scopes names the accepted ones');
    assert.equal(document.paths['/api/v1/account/password'].post.responses['403'].headers['x-accepted-scopes'], undefined);
    assert.ok(createKey['201'].headers['x-token-expires-at']);
    assert.ok(document.paths['/api/v1/keys/{id}'].get.responses['404']);
    assert.ok(document.paths['/readyz'].get.responses['503']);
    assert.ok(document.components.responses.MethodNotAllowed.headers.allow);
  });
});
