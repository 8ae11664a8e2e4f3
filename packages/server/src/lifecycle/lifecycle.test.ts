/**
 * Rotation and revocation of API keys and personal access tokens, through the real server.
 * The races need PostgreSQL (SQLite serializes every transaction, so none can happen there);
 * they are skipped on the SQLite run, which keeps the same count of tests.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../test-support/client.js';
import { TEST_DB } from '../test-support/database.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';
import { bearer, createToken } from '../test-support/tokens.js';

const skip = TEST_DB !== 'postgres' && 'needs PostgreSQL (SQLite serializes transactions: no race can happen)';

const DAY = 86_400_000;
const RACERS = 10;
/** Races are won by timing: several trials make one that slips through very unlikely to go unseen. */
const TRIALS = 3;

const statuses = (responses: Array<{ status: number }>) => responses.map((r) => r.status).sort();

/** Fires RACERS rotations of one credential at once: exactly one may win; the others get 409. */
async function oneRotationWins(console: TestClient, path: string, body: Record<string, unknown>) {
  const answers = await Promise.all(Array.from({ length: RACERS }, () => console.post(path, body)));
  assert.deepEqual(statuses(answers), [201, ...Array<number>(RACERS - 1).fill(409)]);
  for (const lost of answers.filter((a) => a.status === 409)) assert.equal(lost.body.error.error_id, 'CONFLICT');
  return answers.filter((a) => a.status === 201)[0]?.body;
}

/** Ids of the account's credentials whose status is active, sorted. */
async function activeIds(console: TestClient, kind: 'keys' | 'tokens'): Promise<string[]> {
  const { data } = (await console.get(`/api/v1/${kind}?per_page=100`)).body as { data: Array<{ id: string; status: string }> };
  return data
    .filter((c) => c.status === 'active')
    .map((c) => c.id)
    .sort();
}

/** Which of `keys` authenticate a /v1 request right now. */
async function usableKeys(t: TestServer, keys: string[]): Promise<string[]> {
  const app = t.client();
  const answers = await Promise.all(keys.map((key) => app.get('/v1/models', { headers: { 'x-api-key': key } })));
  return keys.filter((_, i) => answers[i]?.status === 200);
}

/** Which of `tokens` authenticate a management request right now. */
async function usableTokens(t: TestServer, tokens: string[]): Promise<string[]> {
  const answers = await Promise.all(tokens.map((token) => bearer(t, token).get('/api/v1/account')));
  return tokens.filter((_, i) => answers[i]?.status === 200);
}

describe('rotation and revocation, for API keys and tokens alike', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    t = await startTestServer({}, { clock });
  });
  after(() => t.stop());

  test('rotating an API key with a token needs keys.write and inference, exactly like creating one', async () => {
    const console = t.client();
    await console.signup();
    const { id, key } = await console.createKey('guarded');
    const writeOnly = bearer(t, (await createToken(console, { scopes: ['keys.write', 'keys.read'] })).token);
    const refused = await writeOnly.post(`/api/v1/keys/${id}/rotate`, {});
    assert.equal(refused.status, 403, 'a key grants inference: a token without inference cannot mint one by rotation');
    assert.deepEqual(refused.body.error.accepted_scopes, ['keys.write', 'inference']);
    assert.ok(!refused.text.includes('sk-'), 'no key in the refusal');
    assert.equal((await console.get(`/api/v1/keys/${id}`)).body.replaced_by, null, 'nothing was rotated');
    assert.deepEqual(await usableKeys(t, [key]), [key]);

    const { body: document } = await t.client().get('/api/openapi.json');
    assert.deepEqual(
      document.paths['/api/v1/keys/{id}/rotate'].post['x-required-scopes'],
      document.paths['/api/v1/keys'].post['x-required-scopes'],
      'rotate and create declare the same scopes',
    );

    const both = bearer(t, (await createToken(console, { scopes: ['keys.write', 'inference'] })).token);
    const rotated = await both.post(`/api/v1/keys/${id}/rotate`, {});
    assert.equal(rotated.status, 201, rotated.text);
    assert.deepEqual(await usableKeys(t, [key, rotated.body.key]), [rotated.body.key]);
  });

  test('concurrent rotations of one API key with a grace period: one 201, the rest 409, the old key and one successor usable', { skip }, async () => {
    const console = t.client();
    await console.signup();
    for (let trial = 0; trial < TRIALS; trial++) {
      const { id, key } = await console.createKey('raced');
      const successor = await oneRotationWins(console, `/api/v1/keys/${id}/rotate`, { grace_period_seconds: 600 });
      assert.equal((await console.get(`/api/v1/keys/${id}`)).body.replaced_by, successor.id);
      assert.deepEqual(await activeIds(console, 'keys'), [id, successor.id].sort(), 'the old key and exactly one successor');
      assert.deepEqual(await usableKeys(t, [key, successor.key]), [key, successor.key]);
      await console.delete(`/api/v1/keys/${id}`);
      await console.delete(`/api/v1/keys/${successor.id}`);
    }
  });

  test('concurrent rotations of one API key without a grace period: one 201, the rest 409, one usable key', { skip }, async () => {
    const console = t.client();
    await console.signup();
    for (let trial = 0; trial < TRIALS; trial++) {
      const { id, key } = await console.createKey('raced');
      const successor = await oneRotationWins(console, `/api/v1/keys/${id}/rotate`, {});
      assert.deepEqual(await activeIds(console, 'keys'), [successor.id]);
      assert.deepEqual(await usableKeys(t, [key, successor.key]), [successor.key]);
      await console.delete(`/api/v1/keys/${successor.id}`);
    }
  });

  test('concurrent rotations of one token: one 201, the rest 409, one successor', { skip }, async () => {
    const console = t.client();
    await console.signup();
    for (let trial = 0; trial < TRIALS; trial++) {
      const { id, token } = await createToken(console, { scopes: ['account.read'] });
      const successor = await oneRotationWins(console, `/api/v1/tokens/${id}/rotate`, { grace_period_seconds: 600 });
      assert.deepEqual(await activeIds(console, 'tokens'), [id, successor.id].sort());
      assert.deepEqual(await usableTokens(t, [token, successor.token]), [token, successor.token]);
      await console.delete(`/api/v1/tokens/${id}`);
      await console.delete(`/api/v1/tokens/${successor.id}`);
    }
  });

  test('a token rotating itself never outlives the original, and only its latest predecessor stays in grace', async () => {
    const console = t.client();
    await console.signup();
    const first = await createToken(console, { scopes: ['tokens.write', 'account.read'], expires_in_days: 7 });
    const deadline = Date.parse(String(first.expires_at));
    const tokens = [first.token];
    let latest = first.token;
    for (let round = 0; round < 5; round++) {
      clock.advance(3600_000);
      const rotated = await bearer(t, latest).post('/api/v1/tokens/self/rotate', { expires_in_days: 365, grace_period_seconds: 7 * 86400 });
      assert.equal(rotated.status, 201, rotated.text);
      assert.equal(Date.parse(rotated.body.expires_at), deadline, `round ${round}: the successor expires when the original would have`);
      latest = rotated.body.token;
      tokens.push(latest);
    }
    assert.deepEqual(await usableTokens(t, tokens), tokens.slice(-2), 'the newest token and its own predecessor, no more');
    const answer = await bearer(t, latest).get('/api/v1/account');
    assert.equal(answer.headers.get('x-token-expires-at'), first.expires_at);
    clock.advance(deadline - clock.now());
    assert.deepEqual(await usableTokens(t, tokens), [], 'the whole chain ends with the original');
  });

  test('a console session may renew a token on rotation, within the operator cap', async () => {
    const console = t.client();
    await console.signup();
    const { id } = await createToken(console, { scopes: ['account.read'], expires_in_days: 7 });
    const renewed = await console.post(`/api/v1/tokens/${id}/rotate`, { expires_in_days: 365 });
    assert.equal(renewed.status, 201, renewed.text);
    assert.equal(Date.parse(renewed.body.expires_at), clock.now() + 365 * DAY);
  });

  test('rotating a key whose predecessor is still in its grace period ends that grace now', async () => {
    const console = t.client();
    await console.signup();
    const first = await console.createKey('chain');
    const second = (await console.post(`/api/v1/keys/${first.id}/rotate`, { grace_period_seconds: 3600 })).body;
    assert.deepEqual(await usableKeys(t, [first.key, second.key]), [first.key, second.key]);
    const third = await console.post(`/api/v1/keys/${second.id}/rotate`, { grace_period_seconds: 3600 });
    assert.equal(third.status, 201, third.text);
    assert.deepEqual(await usableKeys(t, [first.key, second.key, third.body.key]), [second.key, third.body.key]);
    const ended = (await console.get(`/api/v1/keys/${first.id}`)).body;
    assert.equal(ended.status, 'revoked');
    assert.equal(ended.revoked_at, new Date(clock.now()).toISOString());
  });

  test('rotating a token whose predecessor is still in its grace period ends that grace now', async () => {
    const console = t.client();
    await console.signup();
    const first = await createToken(console, { scopes: ['account.read'] });
    const second = (await console.post(`/api/v1/tokens/${first.id}/rotate`, { grace_period_seconds: 3600 })).body;
    const third = await console.post(`/api/v1/tokens/${second.id}/rotate`, { grace_period_seconds: 3600 });
    assert.equal(third.status, 201, third.text);
    assert.deepEqual(await usableTokens(t, [first.token, second.token, third.body.token]), [second.token, third.body.token]);
    assert.equal((await console.get(`/api/v1/tokens/${first.id}`)).body.status, 'revoked');
  });

  test('concurrent revocations of one token all answer the revoked token', { skip }, async () => {
    const console = t.client();
    await console.signup();
    for (let trial = 0; trial < TRIALS; trial++) {
      const { id, token } = await createToken(console, { scopes: ['account.read'] });
      const answers = await Promise.all(Array.from({ length: RACERS }, () => console.delete(`/api/v1/tokens/${id}`)));
      assert.deepEqual(statuses(answers), Array<number>(RACERS).fill(200));
      for (const answer of answers) assert.equal(answer.body.status, 'revoked', 'a revocation that lost the race answers the row as it now is');
      assert.equal(new Set(answers.map((a) => a.body.revoked_at)).size, 1, 'every answer names the one revocation that happened');
      assert.deepEqual(await usableTokens(t, [token]), []);
      const audit = (await console.get('/api/v1/audit?type=token.revoked&per_page=100')).body.data.filter(
        (e: { target: { id: string } }) => e.target.id === id,
      );
      assert.equal(audit.length, 1, 'one revocation, one record');
    }
  });

  test('concurrent revocations of one API key all answer the revoked key', { skip }, async () => {
    const console = t.client();
    await console.signup();
    for (let trial = 0; trial < TRIALS; trial++) {
      const { id, key } = await console.createKey('revoked');
      const answers = await Promise.all(Array.from({ length: RACERS }, () => console.delete(`/api/v1/keys/${id}`)));
      assert.deepEqual(statuses(answers), Array<number>(RACERS).fill(200));
      for (const answer of answers) assert.equal(answer.body.status, 'revoked');
      assert.equal(new Set(answers.map((a) => a.body.revoked_at)).size, 1);
      assert.deepEqual(await usableKeys(t, [key]), []);
    }
  });
});
