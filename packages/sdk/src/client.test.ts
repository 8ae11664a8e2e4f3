/**
 * The inference client against a real server process: the README example, the grouped
 * surface, the event stream, and every SkytellsError the issue names (401, 403 with
 * acceptedScopes, 404, 422, 429 with Retry-After, timeout, refused connection, non-JSON).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { generateApiKey } from '@skytells/credentials';
import Skytells, { createClient, createManagementClient, SkytellsError } from './index.js';
import { type RunningTestServer, startServerProcess } from './server-process.test-support.js';

/** Awaits `call`, expecting a SkytellsError, and answers it. */
async function failure(call: () => Promise<unknown>): Promise<SkytellsError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof SkytellsError, `expected a SkytellsError, got ${String(error)}`);
    return error;
  }
  return assert.fail('the call succeeded');
}

/** A plain HTTP server on a free port, answering with `handler`; for what the real server never does. */
async function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the skytells SDK against a real server', () => {
  let s: RunningTestServer;
  let key: string;
  before(async () => {
    s = await startServerProcess();
    key = (await s.console.createKey('sdk')).key;
  });
  after(() => s.stop());

  test('the README example: createClient(key).listModels(), a prediction, then wait', async () => {
    const client = createClient(key, { baseUrl: `${s.url}/v1` });
    const models = await client.listModels();
    assert.deepEqual(
      models.map((model) => model.slug),
      ['sandbox-text', 'sandbox-image', 'sandbox-video-pro'],
    );
    const prediction = await client.predict({ model: 'sandbox-text', input: { prompt: 'hello' } });
    const done = await client.wait(prediction, { interval: 200, maxWait: 10_000 });
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.output, { text: '[sandbox sandbox-text] hello' });
    assert.equal((await client.wait(prediction.id)).id, prediction.id, 'wait also takes an id');
  });

  test('the default export and the grouped surface: models.get, predictions.create/get/list/cancel/delete', async () => {
    const client = Skytells.createClient(key, { baseUrl: `${s.url}/v1` });
    assert.equal((await client.models.get('sandbox-image')).slug, 'sandbox-image');
    const created = await client.predictions.create({ model: 'sandbox-image', input: { prompt: 'a cat' } });
    assert.deepEqual(await client.predictions.get(created.id), created);
    const page = await client.predictions.list({ per_page: 5 });
    assert.ok(page.data.some((p) => p.id === created.id));
    const refused = await failure(() => client.predictions.cancel(created.id));
    assert.equal(refused.httpStatus, 409);
    assert.deepEqual(await client.predictions.delete(created.id), { id: created.id, deleted: true });
    assert.deepEqual(await client.deletePrediction(created.id), { id: created.id, deleted: true });
    assert.equal((await failure(() => client.getPrediction(created.id))).errorId, 'NOT_FOUND');
  });

  test('predictions.stream iterates the Server-Sent Events up to done; streamPrediction answers JSON', async () => {
    const client = createClient(key, { baseUrl: `${s.url}/v1` });
    const prediction = await client.predict({ model: 'sandbox-text', input: { prompt: 'stream me' } });
    const events = [];
    for await (const event of client.predictions.stream(prediction.id)) events.push(event);
    assert.deepEqual(
      events.map((event) => event.event),
      ['status', 'output', 'done'],
    );
    assert.deepEqual(events[2]?.data, { id: prediction.id, status: 'succeeded' });
    assert.deepEqual(await client.streamPrediction(prediction.id), prediction);
  });

  test('a personal access token with inference works as the client credential (Bearer)', async () => {
    const { token } = await s.token(['inference']);
    const models = await createClient(token, { baseUrl: `${s.url}/v1` }).models.list();
    assert.equal(models.length, 3);
  });

  test('401: a well-formed key the server does not know', async () => {
    const error = await failure(() => createClient(generateApiKey(), { baseUrl: `${s.url}/v1` }).listModels());
    assert.equal(error.httpStatus, 401);
    assert.equal(error.errorId, 'UNAUTHORIZED');
    assert.equal(typeof error.message, 'string');
    assert.match(error.requestId ?? '', /^req_/);
  });

  test('403 for a missing scope carries acceptedScopes', async () => {
    const { token } = await s.token(['account.read']);
    const error = await failure(() => createManagementClient(token, { baseUrl: s.url }).keys.list());
    assert.equal(error.httpStatus, 403);
    assert.equal(error.errorId, 'FORBIDDEN');
    assert.deepEqual(error.acceptedScopes, ['keys.read']);
    assert.match(error.requestId ?? '', /^req_/);
  });

  test('404 MODEL_NOT_FOUND and 422 INVALID_INPUT naming the field', async () => {
    const client = createClient(key, { baseUrl: `${s.url}/v1` });
    const missing = await failure(() => client.models.get('no-such-model'));
    assert.equal(missing.httpStatus, 404);
    assert.equal(missing.errorId, 'MODEL_NOT_FOUND');
    const invalid = await failure(() => client.predict({ model: 'sandbox-text', input: { prompt: '' } }));
    assert.equal(invalid.httpStatus, 422);
    assert.equal(invalid.errorId, 'INVALID_INPUT');
    assert.match(invalid.details, /prompt/);
  });

  test('a malformed key is refused locally: no request is sent', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const good = generateApiKey();
    const typo = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    for (const bad of [typo, 'sk-short', `pk-${good.slice(3)}`]) {
      const error = await failure(() => createClient(bad, { baseUrl: `${s.url}/v1`, fetch: counting }).listModels());
      assert.equal(error.errorId, 'INVALID_CREDENTIAL');
      assert.equal(error.httpStatus, 0);
      assert.ok(!`${error.message} ${error.details} ${error.stack}`.includes(bad), 'the error never quotes the credential');
    }
    assert.equal(requests, 0);
  });
});

describe('SkytellsError for what only a misbehaving or absent server does', () => {
  const key = generateApiKey();

  test('429 with Retry-After: retryAfter is read, and with retries on, the wait is honoured', async () => {
    let calls = 0;
    const fake = await fakeServer((_req, res) => {
      calls++;
      if (calls === 1 || calls === 2) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'x-request-id': `req_fake${calls}` });
        res.end(
          JSON.stringify({
            status: false,
            response: 'Too many requests',
            error: { http_status: 429, message: 'Too many requests', details: 'Slow down', error_id: 'RATE_LIMIT_EXCEEDED' },
            request_id: `req_fake${calls}`,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    try {
      const error = await failure(() => createClient(key, { baseUrl: fake.url }).listModels());
      assert.equal(error.httpStatus, 429);
      assert.equal(error.errorId, 'RATE_LIMIT_EXCEEDED');
      assert.equal(error.retryAfter, 1);
      assert.equal(error.requestId, 'req_fake1');
      const started = Date.now();
      assert.deepEqual(await createClient(key, { baseUrl: fake.url, retry: { retries: 2, retryDelay: 10 } }).listModels(), []);
      assert.ok(Date.now() - started >= 950, 'the retry waited the second Retry-After asked for');
      assert.equal(calls, 3);
    } finally {
      await fake.close();
    }
  });

  test('a POST is retried only when it carries an idempotency key', async () => {
    let calls = 0;
    const fake = await fakeServer((_req, res) => {
      calls++;
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(
        JSON.stringify({
          status: false,
          response: 'Unavailable',
          error: { http_status: 503, message: 'Unavailable', details: '', error_id: 'SERVICE_UNAVAILABLE' },
        }),
      );
    });
    try {
      const client = createClient(key, { baseUrl: fake.url, retry: { retries: 2, retryDelay: 1 } });
      await failure(() => client.predict({ model: 'm', input: {} }));
      assert.equal(calls, 1, 'no retry without an idempotency key');
      await failure(() => client.predict({ model: 'm', input: {} }, { idempotencyKey: 'abc' }));
      assert.equal(calls, 4, 'tried three times with one');
      await failure(() => client.listModels());
      assert.equal(calls, 7, 'a GET is retried');
    } finally {
      await fake.close();
    }
  });

  test('a timeout is REQUEST_TIMEOUT, 408', async () => {
    const fake = await fakeServer(() => {}); // never answers
    try {
      const error = await failure(() => createClient(key, { baseUrl: fake.url, timeout: 200 }).listModels());
      assert.equal(error.errorId, 'REQUEST_TIMEOUT');
      assert.equal(error.httpStatus, 408);
    } finally {
      await fake.close();
    }
  });

  test('a refused connection is NETWORK_ERROR, 0', async () => {
    const fake = await fakeServer(() => {});
    const url = fake.url;
    await fake.close();
    const error = await failure(() => createClient(key, { baseUrl: url }).listModels());
    assert.equal(error.errorId, 'NETWORK_ERROR');
    assert.equal(error.httpStatus, 0);
  });

  test('predictions.stream ends when the caller aborts, even while the server keeps the stream open', async () => {
    const fake = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: status\ndata: {"id":"pred_1","status":"processing"}\n\n');
    });
    try {
      const controller = new AbortController();
      const seen: string[] = [];
      for await (const event of createClient(key, { baseUrl: fake.url }).predictions.stream('pred_1', { signal: controller.signal })) {
        seen.push(event.event);
        controller.abort();
      }
      assert.deepEqual(seen, ['status']);
    } finally {
      await fake.close();
    }
  });

  test('a non-JSON body is SERVER_ERROR with the status', async () => {
    const fake = await fakeServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    try {
      const error = await failure(() => createClient(key, { baseUrl: fake.url }).listModels());
      assert.equal(error.errorId, 'SERVER_ERROR');
      assert.equal(error.httpStatus, 502);
      assert.match(error.details, /Bad gateway/);
    } finally {
      await fake.close();
    }
  });
});
