import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { isLoopback } from './routes.js';

/** The value of one sample in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operations endpoints', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: 'true' });
  });
  after(() => t.stop());

  test('/healthz and /readyz', async () => {
    const health = await t.client().get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await t.client().get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', checks: { database: 'ok', migrations: 'ok', invalidation_listener: 'ok' } });
  });

  test('/metrics: requests, durations, cache hits and misses, invalidations and batch flushes', async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey();
    const app = t.client();
    for (let i = 0; i < 3; i++) await app.get('/v1/models', { headers: { 'x-api-key': key } });
    await t.server.flushBatches();
    await owner.delete(`/api/v1/keys/${id}`);
    const metrics = await t.client().get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const text = metrics.text;
    assert.equal(sample(text, 'http_requests_total{method="GET",route="/v1/models",status="200"}'), 3);
    assert.equal(sample(text, 'http_request_duration_seconds_count{method="GET",route="/v1/models"}'), 3);
    assert.equal(sample(text, 'verify_cache_lookups_total{result="miss"}'), 1);
    assert.equal(sample(text, 'verify_cache_lookups_total{result="hit"}'), 2);
    assert.equal(sample(text, 'cache_invalidations_applied_total'), 2, 'one for the creation, one for the revocation');
    assert.equal(sample(text, 'batch_flushes_total{batch="last_used",outcome="ok"}'), 1);
    assert.equal(sample(text, 'batch_flush_size_sum{batch="last_used"}'), 1);
  });

  test('/metrics decides by the socket peer (loopback), never by X-Forwarded-For', async () => {
    const spoofed = await t.client().get('/metrics', { headers: { 'x-forwarded-for': '8.8.8.8' } });
    assert.equal(spoofed.status, 200, 'the socket peer is loopback: a forwarded header cannot change that');
    assert.ok(isLoopback('127.0.0.1'));
    assert.ok(isLoopback('::1'));
    assert.ok(isLoopback('::ffff:127.0.0.1'));
    assert.ok(!isLoopback('10.0.0.1'));
    assert.ok(!isLoopback('::ffff:10.0.0.1'));
    assert.ok(!isLoopback(undefined));
  });
});
