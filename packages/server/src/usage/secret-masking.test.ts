import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generatePersonalAccessToken } from '@skytells/credentials';
import { TestClient } from '../test-support/client.js';
import { createTestDatabase, everythingStored, type TestDatabase } from '../test-support/database.js';
import { spawnServer } from '../test-support/server.js';

/** Every character percent-encoded (lower-case hex), `depth` times over. */
const encodeAll = (value: string, depth = 1): string => {
  let text = [...value].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  for (let i = 1; i < depth; i++) text = text.replaceAll('%', '%25');
  return text;
};

/** The ways a secret could be written: its spellings in URLs and headers. */
const spellings = (secret: string, prefix: string) => [
  secret,
  `${encodeAll(prefix)}${secret.slice(prefix.length)}`,
  encodeURIComponent(secret).replace('-', '%2D'),
  encodeAll(secret),
  encodeAll(secret, 2),
  `${encodeAll(prefix, 2)}${secret.slice(prefix.length)}`,
];

/** What must never be found: the secret's body (less the 4+4 characters a mask shows), plain or encoded. */
const traces = (secret: string, prefix: string) => {
  const hidden = secret.slice(prefix.length + 4, -4);
  return [hidden, encodeAll(hidden), encodeAll(hidden, 2), encodeAll(hidden).toUpperCase(), encodeAll(hidden, 2).toUpperCase()];
};

describe('credentials in URLs and user agents, in any encoding, are masked in logs and stored rows', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('no log line, usage group or last-used column holds a key or token, however it was encoded', async () => {
    const server = await spawnServer({ ...db.env, LOG_LEVEL: 'debug', BATCH_FLUSH_INTERVAL_MS: '5000' });
    const browser = new TestClient(server.url);
    await browser.signup();
    const { key } = await browser.createKey('masked');
    const token = generatePersonalAccessToken();
    const app = new TestClient(server.url);
    const keyIn = spellings(key, 'sk-');
    const tokenIn = spellings(token, 'sk_pat_');
    for (const [i, spelling] of [...keyIn, ...tokenIn].entries()) {
      const userAgent = `client/1.0 (${[...keyIn, ...tokenIn][(i + 1) % (keyIn.length + tokenIn.length)]})`;
      // Accepted (the key is valid) and attributed, with the secret in the query and the user agent.
      const ok = await app.get(`/v1/models?x=${spelling}&q=a+${spelling}+b`, { headers: { 'x-api-key': key, 'user-agent': userAgent } });
      assert.equal(ok.status, 200);
      // Refused, so logged at any level, with the secret in the path: by authentication, or
      // by the router when the encoded spelling is longer than any parameter can be.
      const refused = await app.get(`/v1/models/${spelling}`, { headers: { 'user-agent': userAgent } });
      assert.ok(refused.status === 401 || refused.status === 404, `refused: ${refused.status}`);
    }
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });

    const logged = server.output();
    const stored = await everythingStored(db);
    assert.ok(logged.includes('sk-') && stored.includes('client/1.0'), 'the requests were logged and their usage stored');
    for (const trace of [...traces(key, 'sk-'), ...traces(token, 'sk_pat_')]) {
      assert.ok(!logged.includes(trace), `the log holds ${trace}`);
      assert.ok(!stored.includes(trace), `the database holds ${trace}`);
    }
  });
});
