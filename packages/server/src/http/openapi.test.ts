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
});
