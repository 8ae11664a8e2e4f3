/**
 * How the built server serves the console: its pages (with their security headers) at the
 * console's routes, its hashed assets, and nothing else: every other path keeps its own answer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from './browser.ts';

let url: string;
let stop: () => Promise<void>;
before(async () => {
  const started = await startServer();
  url = started.server.url;
  stop = started.stop;
});
after(() => stop?.());

const get = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);

test('each console route answers the page, with CSP, no framing and no referrer', async () => {
  for (const path of [
    '/',
    '/auth/signin',
    '/auth/signup',
    '/settings/api-keys',
    '/settings/tokens',
    '/usage?key_id=x',
    '/audit',
    '/device?user_code=BCDF-GHJK',
  ]) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/, path);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
    assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(response.headers.get('cache-control'), 'no-cache', path);
    const html = await response.text();
    assert.match(html, /<div id="root">/);
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
  }
});

test('assets are served by name, immutable; a name not in the build is the JSON 404', async () => {
  const html = await (await get('/')).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script);
  const asset = await get(script);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type') ?? '', /javascript/);
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  const missing = await get('/assets/missing.js');
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { error_id: string } }).error.error_id, 'NOT_FOUND');
  assert.equal((await get('/assets/../../package.json')).status, 404);
});

test('the API, inference, health and metrics paths keep their own answers', async () => {
  for (const path of ['/api/nope', '/api/v1/nope', '/v1/nope', '/settings/api-keys/extra', '/nope']) {
    const response = await get(path, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 404, path);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
    assert.equal(((await response.json()) as { error: { error_id: string } }).error.error_id, 'NOT_FOUND', path);
  }
  assert.equal((await get('/api/v1/keys')).status, 401);
  assert.equal((await get('/v1/models')).status, 401);
  assert.equal((await get('/healthz')).status, 200);
  assert.equal((await get('/readyz')).status, 200);
  assert.match(await (await get('/metrics')).text(), /# TYPE/);
  // The page is only read: a change sent to a console path is not the console's.
  assert.equal((await get('/device', { method: 'POST' })).status, 404);
});
