/**
 * The console session cookie through a real server: its name and attributes when the
 * console is served over https, and requests that carry more than one session cookie.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const CONSOLE = 'https://console.example.test';

describe('the session cookie', () => {
  let plain: TestServer;
  let https: TestServer;
  before(async () => {
    plain = await startTestServer();
    // TLS ends at a proxy this server does not trust (no TRUST_PROXY): requests arrive as plain http.
    https = await startTestServer({ PUBLIC_URL: CONSOLE });
  });
  after(async () => {
    await plain?.stop();
    await https?.stop();
  });

  /** A signed-up browser of `t`, its Origin the console's, and its session token. */
  async function browserOf(t: TestServer): Promise<{ browser: TestClient; name: string; token: string }> {
    const browser = t.client();
    const origin = t === https ? CONSOLE : t.url;
    const email = `cookie-${Math.random().toString(36).slice(2)}@example.com`;
    const response = await browser.post('/api/v1/auth/signup', { email, password: 'a long enough password', name: 'C' }, { headers: { origin } });
    assert.equal(response.status, 201, response.text);
    const [name = '', token = ''] = (browser.cookie ?? '').split('=');
    return { browser, name, token };
  }

  test('with an https PUBLIC_URL it is __Host- and Secure, though the request came as plain http', async () => {
    const browser = https.client();
    const signup = await browser.post(
      '/api/v1/auth/signup',
      { email: 'secure@example.com', password: 'a long enough password', name: 'S' },
      { headers: { origin: CONSOLE } },
    );
    assert.equal(signup.status, 201, signup.text);
    const cookie = signup.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^__Host-skytells_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    assert.equal((await browser.get('/api/v1/account')).status, 200);
    const token = cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    const unprefixed = await https.client().get('/api/v1/account', { headers: { cookie: `skytells_session=${token}` } });
    assert.equal(unprefixed.status, 401, 'on https only the __Host- cookie is read');
    const signout = await browser.post('/api/v1/auth/signout', undefined, { headers: { origin: CONSOLE } });
    assert.equal(signout.status, 200);
    assert.equal(signout.headers.get('set-cookie'), '__Host-skytells_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });

  test('a request carrying two session cookies is refused with 401, whichever comes first', async () => {
    for (const t of [plain, https]) {
      const victim = await browserOf(t);
      // A sibling subdomain can plant a cookie of the same name: its own session, say.
      const planted = await browserOf(t);
      assert.equal(victim.name, planted.name);
      const origin = t === https ? CONSOLE : t.url;
      for (const cookie of [
        `${victim.name}=${victim.token}; ${planted.name}=${planted.token}`,
        `${planted.name}=${planted.token}; theme=dark; ${victim.name}=${victim.token}`,
      ]) {
        const read = await t.client().get('/api/v1/account', { headers: { cookie } });
        assert.equal(read.status, 401, `${t === https ? 'https' : 'plain'}: ${read.text}`);
        assert.equal(read.body.error.error_id, 'UNAUTHORIZED');
        const write = await t.client().post('/api/v1/keys', { name: 'ambiguous' }, { headers: { cookie, origin } });
        assert.equal(write.status, 401);
      }
      assert.equal((await victim.browser.get('/api/v1/keys')).body.pagination.total, 0, 'no key was created');
      assert.equal((await planted.browser.get('/api/v1/keys')).body.pagination.total, 0, 'no key was created');
    }
  });
});
