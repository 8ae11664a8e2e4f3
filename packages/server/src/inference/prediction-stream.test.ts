import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';

const pathOf = (url: string) => new URL(url).pathname;

interface ServerSentEvent {
  event: string;
  data: any;
}

/**
 * Opens GET …/stream as an EventSource would, on a connection of its own (no pool: closing a
 * stream closes its connection), and reads its events one at a time.
 */
async function openStream(url: string, headers: Record<string, string>) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, resolve).on('error', reject);
  });
  response.setEncoding('utf8');
  const chunks: AsyncIterator<string> = response[Symbol.asyncIterator]();
  let buffer = '';
  /** The next event, or undefined once the server has ended the stream. Comments and `retry:` are skipped. */
  const next = async (): Promise<ServerSentEvent | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end === -1) {
        const { value, done } = await chunks.next();
        if (done) return undefined;
        buffer += value;
        continue;
      }
      const fields = buffer
        .slice(0, end)
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).replace(/^ /, '')] as const);
      buffer = buffer.slice(end + 2);
      const event = fields.find(([name]) => name === 'event')?.[1];
      const data = fields.filter(([name]) => name === 'data').map(([, value]) => value);
      if (event !== undefined) return { event, data: JSON.parse(data.join('\n')) };
    }
  };
  const rest = async () => {
    const events: ServerSentEvent[] = [];
    for (let event = await next(); event !== undefined; event = await next()) events.push(event);
    return events;
  };
  return { status: response.statusCode, headers: response.headers, next, rest, close: () => response.destroy() };
}

describe('GET /v1/predictions/{id}/stream', () => {
  let upstream: Server;
  let t: TestServer;

  before(async () => {
    // An upstream that takes every prediction and keeps it running: only a cancel ends it.
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'up_1', status: 'processing' })));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    t = await startTestServer({ INFERENCE_UPSTREAM_URL: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await t.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const newKey = async () => {
    const owner = t.client();
    await owner.signup();
    return { owner, ...(await owner.createKey()) };
  };
  const running = async (key: string) => {
    const response = await t
      .client()
      .post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'hi' }, stream: true }, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.body.status, 'processing');
    return response.body;
  };

  test('a running prediction streams its state, then its changes, and the stream ends at a terminal status', async () => {
    const { owner, id: keyId, key } = await newKey();
    const prediction = await running(key);
    assert.equal(prediction.stream, true);
    assert.equal(prediction.started_at, prediction.created_at);
    assert.equal(prediction.completed_at, null);
    assert.equal(prediction.urls.stream, `${t.url}/v1/predictions/${prediction.id}/stream`);

    const stream = await openStream(prediction.urls.stream, { 'x-api-key': key });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['content-type'], 'text/event-stream');
    assert.match(String(stream.headers['x-request-id']), /^req_/);
    assert.equal(stream.headers.vary, 'accept');
    const first = await stream.next();
    assert.equal(first?.event, 'status');
    assert.deepEqual(first?.data, prediction);

    const canceled = await t.client().post(pathOf(prediction.urls.cancel), undefined, { headers: { 'x-api-key': key } });
    assert.equal(canceled.status, 200, canceled.text);
    const started = performance.now();
    const rest = await stream.rest();
    assert.ok(performance.now() - started < 3000, 'the stream notices the change within its poll interval');
    assert.deepEqual(
      rest.map((e) => e.event),
      ['status', 'done'],
    );
    assert.equal(rest[0]?.data.status, 'canceled');
    assert.equal(rest[0]?.data.updated_at, canceled.body.updated_at);
    assert.deepEqual(rest[1]?.data, { id: prediction.id, status: 'canceled' });

    // The stream is a /v1 request like any other: attributed to its key once it ends.
    await t.server.flushBatches();
    const events = await owner.get(`/api/v1/usage/events?key_id=${keyId}`);
    const streamed = events.body.data.find((e: { route: string }) => e.route === '/v1/predictions/:id/stream');
    assert.equal(streamed?.status_code, 200);
  });

  test('a finished prediction streams its state and done at once, and the stream ends', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    await t.client().post(pathOf(prediction.urls.cancel), undefined, { headers: { 'x-api-key': key } });
    const stream = await openStream(prediction.urls.stream, { 'x-api-key': key });
    assert.deepEqual(
      (await stream.rest()).map((e) => e.event),
      ['status', 'done'],
    );
  });

  test('without Accept: text/event-stream it answers the prediction as JSON, as the official SDK reads it', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    for (const accept of [undefined, '*/*', 'application/json', 'text/event-stream;q=0']) {
      const response = await t.client().get(`/v1/predictions/${prediction.id}/stream`, {
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...(accept ? { accept } : {}) },
      });
      assert.equal(response.status, 200, String(accept));
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(response.body, prediction);
    }
  });

  test('deleting the prediction ends its stream with an error event', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    const stream = await openStream(prediction.urls.stream, { 'x-api-key': key });
    assert.equal((await stream.next())?.event, 'status');
    assert.equal((await t.client().delete(pathOf(prediction.urls.delete), { headers: { 'x-api-key': key } })).status, 200);
    assert.deepEqual(await stream.rest(), [{ event: 'error', data: { error_id: 'NOT_FOUND', message: 'The prediction was deleted' } }]);
  });

  test("another account's prediction is not found, in either form; no key is 401", async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    const stranger = await newKey();
    for (const accept of ['text/event-stream', 'application/json']) {
      const response = await t.client().get(`/v1/predictions/${prediction.id}/stream`, { headers: { 'x-api-key': stranger.key, accept } });
      assert.equal(response.status, 404);
      assert.equal(response.body.error.error_id, 'NOT_FOUND');
      assert.equal((await t.client().get(`/v1/predictions/${prediction.id}/stream`, { headers: { accept } })).status, 401);
    }
  });

  test('an account holds at most 10 open streams on an instance; a closed one frees its place', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    const streams = await Promise.all(Array.from({ length: 10 }, () => openStream(prediction.urls.stream, { 'x-api-key': key })));
    for (const stream of streams) assert.equal(stream.status, 200);
    const refused = await t.client().get(`/v1/predictions/${prediction.id}/stream`, { headers: { 'x-api-key': key, accept: 'text/event-stream' } });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
    assert.equal(refused.headers.get('retry-after'), '5');
    // JSON answers hold no stream and are never refused.
    assert.equal((await t.client().get(`/v1/predictions/${prediction.id}/stream`, { headers: { 'x-api-key': key } })).status, 200);
    const other = await newKey();
    const theirs = await openStream((await running(other.key)).urls.stream, { 'x-api-key': other.key });
    assert.equal(theirs.status, 200, 'the limit is per account');
    theirs.close();

    streams[0]?.close();
    let again: Awaited<ReturnType<typeof openStream>> | undefined;
    for (let attempt = 0; attempt < 30 && again === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const candidate = await openStream(prediction.urls.stream, { 'x-api-key': key });
      if (candidate.status === 200) again = candidate;
      else candidate.close();
    }
    assert.ok(again, 'the closed stream gave its place back');
    for (const stream of [...streams, again]) stream.close();
  });

  test('a Host header that is not a host gets 400 in the envelope, not a 500', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    const stream = await openStream(prediction.urls.stream, { 'x-api-key': key, host: 'not a host' });
    assert.equal(stream.status, 400);
    assert.equal(stream.headers['content-type'], 'application/json; charset=utf-8');
  });

  test('shutting down ends open streams: the server does not wait for their lifetime', async () => {
    const { key } = await newKey();
    const prediction = await running(key);
    const stream = await openStream(prediction.urls.stream, { 'x-api-key': key });
    assert.equal((await stream.next())?.event, 'status');
    const started = performance.now();
    await t.server.close();
    assert.ok(performance.now() - started < 5000, `closed in ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(await stream.rest(), []);
  });
});
