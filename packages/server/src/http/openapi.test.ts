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
});
