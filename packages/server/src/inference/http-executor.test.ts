import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: { id: string; model: string; input: unknown };
}

describe('the http executor forwards to INFERENCE_UPSTREAM_URL', () => {
  let upstream: Server;
  let t: TestServer;
  const received: Received[] = [];
  let behaviour: 'ok' | 'fail' | 'slow' = 'ok';

  before(async () => {
    upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(raw) });
        if (behaviour === 'fail') return res.writeHead(500).end('boom');
        const answer = () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: 'up_1', status: 'succeeded', output: { text: 'from upstream' } }));
        if (behaviour === 'slow') setTimeout(answer, 1500).unref();
        else answer();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    t = await startTestServer({ INFERENCE_UPSTREAM_URL: `http://127.0.0.1:${port}/v1/`, INFERENCE_UPSTREAM_TIMEOUT_MS: '300' });
  });
  after(async () => {
    await t.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  test('the upstream gets the body, the account, credential and request ids, and never the key', async () => {
    const owner = t.client();
    const { account } = await owner.signup();
    const { id: keyId, key } = await owner.createKey();
    const response = await t.client().post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'hi' } }, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.body.sandbox, false);
    assert.deepEqual(response.body.output, { text: 'from upstream' });
    const [forwarded] = received;
    assert.ok(forwarded);
    assert.deepEqual(forwarded.body, { id: response.body.id, model: 'sandbox-text', input: { prompt: 'hi' } });
    assert.equal(forwarded.headers['x-skytells-account-id'], account.id);
    assert.equal(forwarded.headers['x-skytells-credential-id'], keyId);
    assert.equal(forwarded.headers['x-request-id'], response.headers.get('x-request-id'));
    assert.equal(forwarded.headers['x-api-key'], undefined);
    assert.ok(!JSON.stringify(forwarded).includes(key), 'the key appears nowhere in what the upstream saw');
  });

  test('upstream errors answer 502 and timeouts 504, in the envelope, and are recorded as failed', async () => {
    const owner = t.client();
    await owner.signup();
    const { key } = await owner.createKey();
    const headers = { 'x-api-key': key };
    behaviour = 'fail';
    const failed = await t.client().post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'hi' } }, { headers });
    assert.equal(failed.status, 502);
    assert.equal(failed.body.error.error_id, 'UPSTREAM_ERROR');
    behaviour = 'slow';
    const slow = await t.client().post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'hi' } }, { headers });
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.error_id, 'UPSTREAM_TIMEOUT');
    const list = await t.client().get('/v1/predictions', { headers });
    assert.deepEqual(
      list.body.data.map((p: { status: string; charge: string }) => [p.status, p.charge]),
      [
        ['failed', '0.0000'],
        ['failed', '0.0000'],
      ],
    );
  });
});
