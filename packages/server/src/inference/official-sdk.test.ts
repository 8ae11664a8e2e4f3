/**
 * Conformance: the official `skytells` SDK from npm (1.0.0, installed unchanged as
 * `skytells-official`) against a real server, as a new user would point it at us:
 * `createClient(key, { baseUrl: '<server>/v1' })`. Every public method is called.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient, SkytellsClient, SkytellsError } from 'skytells-official';
import { startTestServer, type TestServer } from '../test-support/server.js';

/** Every method the SDK's client has; a newer SDK with more fails the test below until they are covered. */
const EXERCISED = ['cancelPrediction', 'deletePrediction', 'getPrediction', 'listModels', 'predict', 'streamPrediction'];

/** Runs `call`, expecting it to throw a SkytellsError with these fields. */
async function rejectsWith(call: () => Promise<unknown>, expected: Partial<Pick<SkytellsError, 'message' | 'errorId' | 'details' | 'httpStatus'>>) {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof SkytellsError, `a SkytellsError, not ${String(error)}`);
    const { message, errorId, details, httpStatus } = error;
    assert.deepEqual({ message, errorId, details, httpStatus }, { message, errorId, details, httpStatus, ...expected });
    return error;
  }
  assert.fail('the call succeeded');
}

async function newKey(t: TestServer): Promise<string> {
  const owner = t.client();
  await owner.signup();
  return (await owner.createKey('official sdk')).key;
}

describe('the official skytells SDK 1.0.0, unchanged, on the sandbox executor', () => {
  let t: TestServer;
  let key: string;
  const client = () => createClient(key, { baseUrl: `${t.url}/v1` });
  before(async () => {
    t = await startTestServer();
    key = await newKey(t);
  });
  after(() => t.stop());

  test('the test calls every public method of the SDK client', () => {
    const methods = Object.getOwnPropertyNames(SkytellsClient.prototype).filter((name) => name !== 'constructor');
    assert.deepEqual(methods.sort(), EXERCISED);
  });

  test('listModels() reads the catalogue as an array with namespace, status, billable and pricing', async () => {
    const models = await client().listModels();
    assert.ok(Array.isArray(models));
    assert.deepEqual(
      models.map((m) => m.namespace),
      ['sandbox-text', 'sandbox-image', 'sandbox-video-pro'],
    );
    const image = models.find((m) => m.namespace === 'sandbox-image');
    assert.equal(image?.name, 'Sandbox Image');
    assert.equal(image?.type, 'image');
    assert.equal(image?.status, 'operational');
    assert.equal(image?.billable, true);
    assert.deepEqual(image?.pricing, { unit: 'prediction', price: '0.0025', amount: 0.0025, currency: 'USD' });
  });

  test('predict(), getPrediction(), streamPrediction(), cancelPrediction() and deletePrediction() on a finished prediction', async () => {
    const sdk = new SkytellsClient(key, { baseUrl: `${t.url}/v1`, timeout: 10_000 });
    const prediction = await sdk.predict({ model: 'sandbox-text', input: { prompt: 'hello' }, stream: true });
    assert.equal(prediction.status, 'succeeded');
    assert.deepEqual(prediction.output, { text: '[sandbox sandbox-text] hello' });
    assert.equal(prediction.stream, true);
    assert.equal(prediction.started_at, prediction.created_at);
    assert.equal(prediction.updated_at, prediction.completed_at);
    const url = `${t.url}/v1/predictions/${prediction.id}`;
    assert.deepEqual(prediction.urls, { get: url, cancel: `${url}/cancel`, stream: `${url}/stream`, delete: `${url}/delete` });

    assert.deepEqual(await sdk.getPrediction(prediction.id), prediction);
    assert.deepEqual(await sdk.streamPrediction(prediction.id), prediction);
    await rejectsWith(() => sdk.cancelPrediction(prediction.id), {
      errorId: 'CONFLICT',
      httpStatus: 409,
      message: 'The prediction has already finished',
      details: 'Its status is succeeded',
    });
    assert.deepEqual(await sdk.deletePrediction(prediction.id), { id: prediction.id, deleted: true });
    assert.deepEqual(await sdk.deletePrediction(prediction.id), { id: prediction.id, deleted: true }, 'a repeat answers the same');
    await rejectsWith(() => sdk.getPrediction(prediction.id), { errorId: 'NOT_FOUND', httpStatus: 404, message: 'Prediction not found' });
  });

  test('a bad key, or none, is a SkytellsError 401 UNAUTHORIZED, on every method', async () => {
    const unauthorized = {
      errorId: 'UNAUTHORIZED',
      httpStatus: 401,
      message: 'Invalid or missing API key',
      details: 'Please obtain a valid API key from the dashboard',
    };
    for (const sdk of [
      createClient(`${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`, { baseUrl: `${t.url}/v1` }),
      createClient(undefined, { baseUrl: `${t.url}/v1` }),
    ]) {
      await rejectsWith(() => sdk.listModels(), unauthorized);
      await rejectsWith(() => sdk.predict({ model: 'sandbox-text', input: { prompt: 'x' } }), unauthorized);
      for (const call of [sdk.getPrediction, sdk.streamPrediction, sdk.cancelPrediction, sdk.deletePrediction]) {
        await rejectsWith(() => call.call(sdk, 'pred_x'), unauthorized);
      }
    }
  });

  test('an unknown model is a SkytellsError 404 MODEL_NOT_FOUND', async () => {
    await rejectsWith(() => client().predict({ model: 'no-such-model', input: { prompt: 'x' } }), {
      errorId: 'MODEL_NOT_FOUND',
      httpStatus: 404,
      message: 'Model not found',
      details: 'See GET /v1/models for the models you can use',
    });
  });

  test('input that does not fit the model is a SkytellsError 422 naming the field', async () => {
    await rejectsWith(() => client().predict({ model: 'sandbox-text', input: { prompt: 7 } }), {
      errorId: 'INVALID_INPUT',
      httpStatus: 422,
      message: 'The input does not match the model',
      details: 'input.prompt: must be string',
    });
    await rejectsWith(() => client().predict({ model: 'sandbox-text', input: 'not an object' as never }), {
      errorId: 'INVALID_INPUT',
      httpStatus: 422,
      message: 'Invalid value for input',
    });
  });
});

describe('the official skytells SDK 1.0.0 on a prediction that is still running', () => {
  let upstream: Server;
  let t: TestServer;
  before(async () => {
    // An upstream that keeps every prediction running.
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'processing' })));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    t = await startTestServer({ INFERENCE_UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });
  after(async () => {
    await t.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  test('streamPrediction() reads it as JSON; cancelPrediction() cancels it; deletePrediction() deletes it', async () => {
    const sdk = createClient(await newKey(t), { baseUrl: `${t.url}/v1` });
    const prediction = await sdk.predict({ model: 'sandbox-text', input: { prompt: 'hello' } });
    assert.equal(prediction.status, 'processing');
    assert.equal(prediction.stream, false);
    assert.equal(prediction.completed_at, null);
    assert.deepEqual(await sdk.streamPrediction(prediction.id), prediction);

    const canceled = await sdk.cancelPrediction(prediction.id);
    assert.equal(canceled.status, 'canceled');
    assert.ok(canceled.completed_at);
    assert.equal(canceled.updated_at, canceled.completed_at);
    assert.deepEqual(await sdk.getPrediction(prediction.id), canceled);
    await rejectsWith(() => sdk.cancelPrediction(prediction.id), { errorId: 'CONFLICT', httpStatus: 409, details: 'Its status is canceled' });

    assert.deepEqual(await sdk.deletePrediction(prediction.id), { id: prediction.id, deleted: true });
    await rejectsWith(() => sdk.streamPrediction(prediction.id), { errorId: 'NOT_FOUND', httpStatus: 404 });
  });
});
