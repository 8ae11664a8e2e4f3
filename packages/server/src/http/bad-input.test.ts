import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient, TestResponse } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

function assertEnvelope(response: TestResponse, status: number, errorId: string) {
  assert.equal(response.status, status, response.text.slice(0, 200));
  assert.equal(response.body.status, false);
  assert.equal(response.body.error.http_status, status);
  assert.equal(response.body.error.error_id, errorId);
  assert.match(response.body.request_id, /^req_/);
  assert.equal(response.headers.get('x-request-id'), response.body.request_id);
  assert.ok(!/\n\s+at /.test(response.text), 'no stack trace');
}

describe('bad input gets a clear 4xx envelope and loses nothing', () => {
  let t: TestServer;
  let browser: TestClient;
  let key: string;
  before(async () => {
    t = await startTestServer();
    browser = t.client();
    await browser.signup();
    key = (await browser.createKey('kept')).key;
  });
  after(() => t.stop());

  const post = (options: { rawBody?: string; contentType?: string }) =>
    browser.request('POST', '/api/v1/keys', {
      ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
      headers: options.contentType ? { 'content-type': options.contentType } : {},
    });

  test('malformed JSON: 400 INVALID_REQUEST', async () => {
    assertEnvelope(await post({ rawBody: '{"name": ', contentType: 'application/json' }), 400, 'INVALID_REQUEST');
    assertEnvelope(await post({ rawBody: '{"__proto__": {"x": 1}}', contentType: 'application/json' }), 400, 'INVALID_REQUEST');
  });

  test('an empty JSON body reads as {} (the official SDK sends the header with no body): 422 naming the field', async () => {
    assertEnvelope(await post({ rawBody: '', contentType: 'application/json' }), 422, 'INVALID_INPUT');
  });

  test('wrong types: 422 INVALID_INPUT naming the field', async () => {
    for (const body of ['{"name": 7}', '{"name": ["a"]}', '{"name": {"a": 1}}', '[]', '"name"', 'null', '{}']) {
      const response = await post({ rawBody: body, contentType: 'application/json' });
      assertEnvelope(response, 422, 'INVALID_INPUT');
      assert.ok(response.body.error.details.length > 0);
    }
  });

  test('a 2 MB body: 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    assertEnvelope(await post({ rawBody: big, contentType: 'application/json' }), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a 10,000-character name and control characters: 422', async () => {
    assertEnvelope(await browser.post('/api/v1/keys', { name: 'n'.repeat(10_000) }), 422, 'INVALID_INPUT');
    assertEnvelope(await browser.post('/api/v1/keys', { name: 'nul\u0000byte' }), 422, 'INVALID_INPUT');
    assertEnvelope(await browser.post('/api/v1/keys', { name: '\u001b[31mred' }), 422, 'INVALID_INPUT');
  });

  test('a non-JSON content type: 400 INVALID_REQUEST', async () => {
    assertEnvelope(await post({ rawBody: 'name=x', contentType: 'application/x-www-form-urlencoded' }), 400, 'INVALID_REQUEST');
    assertEnvelope(await post({ rawBody: 'name', contentType: 'text/plain' }), 400, 'INVALID_REQUEST');
    assertEnvelope(await post({ rawBody: '<name/>', contentType: 'application/xml' }), 400, 'INVALID_REQUEST');
  });

  test('unknown routes get 404 and wrong methods 405, in the envelope', async () => {
    assertEnvelope(await t.client().get('/nope'), 404, 'NOT_FOUND');
    assertEnvelope(await t.client().get('/api/v1/nope'), 404, 'NOT_FOUND');
    const wrongMethod = await browser.request('PUT', '/api/v1/keys');
    assertEnvelope(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    assert.match(wrongMethod.headers.get('allow')!, /GET/);
    assert.match(wrongMethod.headers.get('allow')!, /POST/);
    assertEnvelope(await browser.request('PATCH', '/api/v1/keys/key_123'), 405, 'METHOD_NOT_ALLOWED');
  });

  test('every response carries x-request-id', async () => {
    for (const path of ['/healthz', '/v1/models', '/api/v1/keys', '/nope']) {
      assert.match((await t.client().get(path)).headers.get('x-request-id') ?? '', /^req_/, path);
    }
  });

  test('after all of that the server still serves, and nothing stored was lost', async () => {
    const list = await browser.get('/api/v1/keys');
    assert.equal(list.status, 200);
    assert.equal(list.body.pagination.total, 1);
    assert.equal((await t.client().get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
  });
});
