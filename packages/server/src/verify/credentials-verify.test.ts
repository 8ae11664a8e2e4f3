/**
 * POST /api/v1/credentials/verify and GET /api/v1/credentials/revocations against a real
 * server: who may ask, what each kind of credential answers, that every invalid one answers
 * alike, that the credential never reaches a log or an answer, and what the feed tells whom.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import { TestClient } from '../test-support/client.js';
import { ManualClock, spawnTestServer, startTestServer, type TestServer, type TestServerProcess } from '../test-support/server.js';
import { bearer, createToken } from '../test-support/tokens.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads a Server-Sent Events response, collecting `{event, data}` as they arrive and acknowledging `revoked` events. */
function follow(baseUrl: string, token: string, response: Response) {
  let subscription = '';
  const events: { event: string; data: any }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = /^data: ?(.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ? JSON.parse(data) : undefined });
        if (event === 'ready') subscription = JSON.parse(data!).subscription_id;
        if (event === 'revoked') {
          void fetch(`${baseUrl}/api/v1/credentials/revocations/ack`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ subscription_id: subscription, seq: JSON.parse(data!).seq }),
          });
        }
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  return {
    events,
    async until(predicate: (e: { event: string; data: any }) => boolean, ms = 3000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (events.some(predicate)) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.fail(`no such event within ${ms} ms; got ${JSON.stringify(events)}`);
    },
    async close() {
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

describe('POST /api/v1/credentials/verify', () => {
  const clock = new ManualClock(Date.now());
  let t: TestServer;
  let owner: TestClient;
  let verifier: ReturnType<typeof bearer>;
  let verifierToken: { id: string; token: string };
  before(async () => {
    t = await startTestServer({}, { clock });
    owner = t.client();
    await owner.signup();
    verifierToken = await createToken(owner, { scopes: ['credentials.verify'] });
    verifier = bearer(t, verifierToken.token);
  });
  after(() => t.stop());

  test("verifies the account's own key and token, with ids, scopes and expiry", async () => {
    const key = await owner.createKey('service key');
    const byKey = await verifier.post('/api/v1/credentials/verify', { credential: key.key });
    assert.equal(byKey.status, 200, byKey.text);
    const accountId = (await owner.get('/api/v1/account')).body.id;
    assert.deepEqual(byKey.body, { valid: true, kind: 'api_key', account_id: accountId, key_id: key.id, scopes: ['inference'], expires_at: null });

    const token = await createToken(owner, { scopes: ['projects.read', 'deployments.write'], expires_in_days: 7 });
    const byToken = await verifier.post('/api/v1/credentials/verify', { credential: token.token, required_scopes: ['projects.read'] });
    assert.deepEqual(byToken.body, {
      valid: true,
      kind: 'personal_access_token',
      account_id: accountId,
      token_id: token.id,
      scopes: ['projects.read', 'deployments.write'],
      expires_at: token.expires_at,
    });
  });

  test('a live credential lacking required_scopes names the missing ones', async () => {
    const token = await createToken(owner, { scopes: ['projects.read'] });
    const answer = await verifier.post('/api/v1/credentials/verify', {
      credential: token.token,
      required_scopes: ['projects.read', 'projects.write'],
    });
    assert.deepEqual(answer.body, { valid: false, error: 'insufficient_scope', missing_scopes: ['projects.write'] });
    const key = await owner.createKey('k');
    const keyAnswer = await verifier.post('/api/v1/credentials/verify', { credential: key.key, required_scopes: ['keys.read'] });
    assert.deepEqual(keyAnswer.body, { valid: false, error: 'insufficient_scope', missing_scopes: ['keys.read'] });
  });

  test("malformed, unknown, revoked, expired and another account's credentials answer exactly alike", async () => {
    const revoked = await owner.createKey('to revoke');
    assert.equal((await owner.delete(`/api/v1/keys/${revoked.id}`)).status, 200);
    const expiring = await createToken(owner, { scopes: ['inference'], expires_in_days: 7 });
    const other = t.client();
    await other.signup();
    const foreignKey = await other.createKey('theirs');
    const foreignToken = await createToken(other, { scopes: ['projects.read'] });
    const good = generateApiKey();
    const cases = {
      malformed: `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`,
      'not a credential': 'hello',
      'unknown key': good,
      'unknown token': generatePersonalAccessToken(),
      revoked: revoked.key,
      'another account key': foreignKey.key,
      'another account token': foreignToken.token,
    };
    const answers: Record<string, unknown> = {};
    for (const [name, credential] of Object.entries(cases)) {
      const response = await verifier.post('/api/v1/credentials/verify', { credential, required_scopes: ['projects.read'] });
      answers[name] = { status: response.status, body: response.body };
    }
    clock.advance(8 * 24 * 3600 * 1000);
    const expired = await verifier.post('/api/v1/credentials/verify', { credential: expiring.token });
    clock.advance(-8 * 24 * 3600 * 1000);
    answers.expired = { status: expired.status, body: expired.body };
    for (const [name, answer] of Object.entries(answers)) {
      assert.deepEqual(answer, { status: 200, body: { valid: false, error: 'invalid_credential' } }, name);
    }
  });

  test('only a session or a token holding credentials.verify may ask', async () => {
    const key = await owner.createKey('k');
    assert.equal((await t.client().post('/api/v1/credentials/verify', { credential: key.key }, { noOrigin: true })).status, 401);
    const asKey = await t
      .client()
      .post('/api/v1/credentials/verify', { credential: key.key }, { headers: { authorization: `Bearer ${key.key}` }, noOrigin: true });
    assert.equal(asKey.status, 401, 'an API key never authenticates /api/v1');
    const narrow = bearer(t, (await createToken(owner, { scopes: ['keys.read'] })).token);
    const refused = await narrow.post('/api/v1/credentials/verify', { credential: key.key });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.error.accepted_scopes, ['credentials.verify']);
    assert.equal((await narrow.get('/api/v1/credentials/revocations')).status, 403);
    assert.equal((await narrow.post('/api/v1/credentials/revocations/ack', { subscription_id: 'sub_x', seq: 1 })).status, 403);
  });

  test('bad input is a 422 that does not echo the credential', async () => {
    const key = await owner.createKey('k');
    for (const body of [
      { credential: key.key, required_scopes: ['Not A Scope'] },
      { credential: `${key.key}${'x'.repeat(300)}` },
      { credential: 42 },
    ]) {
      const answer = await verifier.post('/api/v1/credentials/verify', body);
      assert.equal(answer.status, 422, answer.text);
      assert.ok(!answer.text.includes(key.key.slice(3)), 'the credential is not in the answer');
    }
  });

  test("the revocation feed tells the account's subscribers, and only them, before the revocation is answered", async () => {
    const key = await owner.createKey('followed');
    const other = t.client();
    await other.signup();
    const otherFeedToken = await createToken(other, { scopes: ['credentials.verify'] });
    const subscribe = async (token: string) =>
      follow(
        t.url,
        token,
        await fetch(`${t.url}/api/v1/credentials/revocations`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }),
      );
    const feed = await subscribe(verifierToken.token);
    const otherFeed = await subscribe(otherFeedToken.token);
    try {
      await feed.until((e) => e.event === 'ready');
      await otherFeed.until((e) => e.event === 'ready');
      const started = Date.now();
      assert.equal((await owner.delete(`/api/v1/keys/${key.id}`)).status, 200);
      assert.ok(
        feed.events.some((e) => e.event === 'revoked' && e.data.hashes.includes(sha256(key.key))),
        'the subscriber had the event (and acknowledged it) before the revocation was answered',
      );
      assert.ok(Date.now() - started < 900, 'answered on the acknowledgement, not after the 1 s timeout');
      // A change in the other account reaches its feed; by then ours would have arrived too.
      const theirs = await other.createKey('theirs');
      assert.equal((await other.delete(`/api/v1/keys/${theirs.id}`)).status, 200);
      await otherFeed.until((e) => e.event === 'revoked' && e.data.hashes.includes(sha256(theirs.key)));
      assert.ok(!JSON.stringify(otherFeed.events).includes(sha256(key.key)), 'no news of another account');
      assert.ok(!JSON.stringify(feed.events).includes(sha256(theirs.key)), 'no news of another account');
    } finally {
      await feed.close();
      await otherFeed.close();
    }
  });
  test('a subscriber that does not acknowledge delays an answer by 1 s at most; no other account can acknowledge for it', async () => {
    const key = await owner.createKey('silent');
    const response = await fetch(`${t.url}/api/v1/credentials/revocations`, {
      headers: { authorization: `Bearer ${verifierToken.token}`, accept: 'text/event-stream' },
    });
    const reader = response.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    try {
      while (!/event: ?ready/.test(text)) await new Promise((resolve) => setTimeout(resolve, 10));
      const subscription = /"subscription_id":"([^"]+)"/.exec(text)![1]!;
      const started = Date.now();
      const revoking = owner.delete(`/api/v1/keys/${key.id}`);
      while (!/event: ?revoked/.test(text)) await new Promise((resolve) => setTimeout(resolve, 10));
      const seq = Number(/"seq":(\d+)/.exec(text)![1]);
      const other = t.client();
      await other.signup();
      const stranger = bearer(t, (await createToken(other, { scopes: ['credentials.verify'] })).token);
      assert.deepEqual((await stranger.post('/api/v1/credentials/revocations/ack', { subscription_id: subscription, seq })).body, {
        acknowledged: false,
      });
      assert.equal((await revoking).status, 200);
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 3000, `answered after ${waited} ms`);
      assert.deepEqual(
        (await verifier.post('/api/v1/credentials/revocations/ack', { subscription_id: subscription, seq })).body,
        { acknowledged: false },
        'too late',
      );
    } finally {
      await reader.cancel().catch(() => {});
      await reading;
    }
  });
});

describe('the presented credential is never logged (LOG_LEVEL=debug, real process)', () => {
  let server: TestServerProcess;
  before(async () => {
    server = await spawnTestServer({ LOG_LEVEL: 'debug' });
  });
  after(() => server.stop());

  test('valid, invalid and refused verifications leave no trace of the credential; an open feed does not hold up SIGTERM', async () => {
    const owner = new TestClient(server.url);
    await owner.signup();
    const { token } = (await owner.post('/api/v1/tokens', { name: 'verifier', scopes: ['credentials.verify'], expires_in_days: 30 })).body;
    const key = await owner.createKey('presented');
    const headers = { authorization: `Bearer ${token}` };
    const presented = [key.key, generateApiKey(), `${key.key}zz`];
    for (const credential of presented) {
      await owner.post('/api/v1/credentials/verify', { credential }, { headers, noOrigin: true, noCookie: true });
      await owner.post('/api/v1/credentials/verify', { credential, required_scopes: ['BAD'] }, { headers, noOrigin: true, noCookie: true });
    }
    const feed = await fetch(`${server.url}/api/v1/credentials/revocations`, { headers: { ...headers, accept: 'text/event-stream' } });
    assert.equal(feed.status, 200);
    const stopping = Date.now();
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
    assert.ok(Date.now() - stopping < 5000, 'the feed was ended at shutdown');
    await feed.body?.cancel().catch(() => {});
    const output = server.output();
    assert.match(output, /credentials\/verify/, 'the requests were logged');
    for (const credential of presented) assert.ok(!output.includes(credential.slice(3, 29)), 'a presented credential was logged');
  });
});
