/**
 * The wire details the official SDK and the Skytells API rely on (README, "Inference"), checked
 * request by request, on a server with PUBLIC_URL set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';

const PUBLIC_URL = 'https://api.example.test';

describe('Skytells API compatibility on the wire', () => {
  let t: TestServer;
  let key: string;
  const headers = () => ({ 'x-api-key': key });
  /** A request exactly as the official SDK sends it: Content-Type: application/json, with or without a body. */
  const sdkLike = (method: string, path: string, body = '') =>
    fetch(`${t.url}${path}`, { method, headers: { ...headers(), 'content-type': 'application/json' }, body: method === 'GET' ? undefined : body });
  const predict = async () => {
    const response = await t.client().post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'hi' } }, { headers: headers() });
    assert.equal(response.status, 201, response.text);
    return response.body;
  };

  before(async () => {
    t = await startTestServer({ PUBLIC_URL });
    const owner = t.client();
    // Cookie-authenticated changes must come from PUBLIC_URL's origin.
    const origin = { headers: { origin: PUBLIC_URL } };
    assert.equal(
      (await owner.post('/api/v1/auth/signup', { email: 'compat@example.com', password: 'a long passphrase', name: 'C' }, origin)).status,
      201,
    );
    key = (await owner.post('/api/v1/keys', { name: 'compat' }, origin)).body.key;
  });
  after(() => t.stop());

  test('a POST or DELETE with Content-Type: application/json and an empty body reads as {}', async () => {
    const prediction = await predict();
    const cancel = await sdkLike('POST', `/v1/predictions/${prediction.id}/cancel`);
    assert.equal(cancel.status, 409, 'read and refused on its merits: it has finished');
    const create = await sdkLike('POST', '/v1/predictions');
    assert.equal(create.status, 422);
    const refusal = await create.json();
    assert.equal(refusal.error.error_id, 'INVALID_INPUT');
    assert.match(refusal.error.details, /^model: /);
    assert.equal((await sdkLike('POST', '/api/v1/auth/signin')).status, 422, 'on every route, not only /v1');
    assert.equal((await sdkLike('DELETE', `/v1/predictions/${prediction.id}/delete`)).status, 200);
    assert.equal((await sdkLike('DELETE', `/v1/predictions/${prediction.id}`)).status, 200);
    assert.equal((await sdkLike('GET', `/v1/predictions/${(await predict()).id}`)).status, 200);
  });

  test('a body that is there is still parsed strictly', async () => {
    for (const body of [' ', '{', '{"model":', '{"__proto__":{"polluted":true},"model":"sandbox-text","input":{"prompt":"x"}}']) {
      const response = await sdkLike('POST', '/v1/predictions', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal((await response.json()).error.error_id, 'INVALID_REQUEST');
    }
  });

  test('GET /v1/models answers a JSON array; each model carries namespace, status, billable and pricing.amount', async () => {
    const response = await t.client().get('/v1/models', { headers: headers() });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(Array.isArray(response.body));
    assert.deepEqual(response.body[0], {
      slug: 'sandbox-text',
      name: 'Sandbox Text',
      description: 'A deterministic text model for trying the API: it answers from its input, with no upstream.',
      type: 'text',
      pricing: { unit: 'prediction', price: '0.0010', amount: 0.001, currency: 'USD' },
      plans: ['free', 'pro', 'enterprise'],
      namespace: 'sandbox-text',
      status: 'operational',
      billable: true,
    });
    assert.deepEqual(
      response.body.map((m: { slug: string; pricing: { price: string; amount: number } }) => [m.slug, m.pricing.price, m.pricing.amount]),
      [
        ['sandbox-text', '0.0010', 0.001],
        ['sandbox-image', '0.0025', 0.0025],
        ['sandbox-video-pro', '0.0500', 0.05],
      ],
    );
    assert.equal((await t.client().get('/v1/models?page=2&per_page=1', { headers: headers() })).text, response.text, 'the whole catalogue, always');
  });

  test('GET /v1/model/{slug} is GET /v1/models/{slug}', async () => {
    const canonical = await t.client().get('/v1/models/sandbox-image', { headers: headers() });
    const alias = await t.client().get('/v1/model/sandbox-image', { headers: headers() });
    assert.equal(alias.status, 200);
    assert.deepEqual(alias.body, canonical.body);
    assert.equal(alias.body.input_schema.type, 'object');
    assert.equal(alias.body.namespace, 'sandbox-image');
    assert.deepEqual(alias.body.pricing, { unit: 'prediction', price: '0.0025', amount: 0.0025, currency: 'USD' });
    const unknown = await t.client().get('/v1/model/no-such-model', { headers: headers() });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.error_id, 'MODEL_NOT_FOUND');
    assert.equal((await t.client().get('/v1/model/sandbox-image')).status, 401);
  });

  test('a prediction carries urls on PUBLIC_URL, started_at, updated_at and stream, in every answer', async () => {
    const prediction = await predict();
    const url = `${PUBLIC_URL}/v1/predictions/${prediction.id}`;
    assert.deepEqual(prediction.urls, { get: url, cancel: `${url}/cancel`, stream: `${url}/stream`, delete: `${url}/delete` });
    assert.equal(prediction.started_at, prediction.created_at);
    assert.equal(prediction.updated_at, prediction.completed_at);
    assert.equal(prediction.stream, false);
    assert.deepEqual((await t.client().get(`/v1/predictions/${prediction.id}`, { headers: headers() })).body, prediction);
    const listed = (await t.client().get('/v1/predictions', { headers: headers() })).body.data;
    assert.deepEqual(
      listed.find((p: { id: string }) => p.id === prediction.id),
      prediction,
    );
    const streamed = await t.client().post('/v1/predict', { model: 'sandbox-text', input: { prompt: 'x' }, stream: true }, { headers: headers() });
    assert.equal(streamed.body.stream, true);
    assert.equal(
      (await t.client().post('/v1/predict', { model: 'sandbox-text', input: { prompt: 'x' }, stream: 'yes' }, { headers: headers() })).status,
      422,
    );
  });

  test('a finished prediction streams its state, its output and done, then the stream ends', async () => {
    const prediction = await predict();
    const response = await fetch(`${t.url}/v1/predictions/${prediction.id}/stream`, { headers: { ...headers(), accept: 'text/event-stream' } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = (await response.text())
      .split('\n\n')
      .map((block) => Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)])))
      .filter((fields) => fields.event !== undefined)
      .map((fields) => [fields.event, JSON.parse(fields.data ?? 'null')]);
    assert.deepEqual(events, [
      ['status', prediction],
      ['output', { text: '[sandbox sandbox-text] hi' }],
      ['done', { id: prediction.id, status: 'succeeded' }],
    ]);
  });

  test('the OpenAPI document lists the new routes and the array of models', async () => {
    const { body: document } = await t.client().get('/api/openapi.json');
    assert.ok(document.paths['/v1/predictions/{id}/stream'].get);
    assert.ok(document.paths['/v1/predictions/{id}/delete'].delete);
    assert.ok(document.paths['/v1/model/{slug}'].get);
    const models = document.paths['/v1/models'].get.responses['200'].content['application/json'].schema;
    assert.equal(models.type, 'array');
    const prediction = document.paths['/v1/predictions/{id}'].get.responses['200'].content['application/json'].schema;
    const properties = prediction.properties ?? document.components.schemas[prediction.$ref?.split('/').at(-1)]?.properties;
    for (const field of ['urls', 'started_at', 'updated_at', 'stream']) assert.ok(properties?.[field], field);
  });
});
