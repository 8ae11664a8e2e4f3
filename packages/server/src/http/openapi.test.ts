import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
      assert.ok(operation.responses.default, `${route.method} ${route.url} documents its error envelope`);
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
    assert.ok(document.components.schemas.ErrorEnvelope);
    assert.equal(document.paths['/v1/models'].get.security[0].apiKey !== undefined, true);
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

    const page = document.paths['/device'].get.responses['200'];
    assert.deepEqual(Object.keys(page.content), ['text/html']);
    assert.ok(page.headers['content-security-policy']);
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
