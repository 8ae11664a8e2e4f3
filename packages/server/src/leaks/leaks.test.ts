import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken, hashCredential } from '@skytells/credentials';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { bearer, createToken } from '../test-support/tokens.js';

const github = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const GITHUB_KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';
const pem = (key: typeof github.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();
const githubSignature = (body: string, privateKey = github.privateKey) => sign('sha256', Buffer.from(body), privateKey).toString('base64');

let nextIp = 10;
/** Each test speaks from its own address, so per-IP limits of one never touch another. */
const fromNewIp = () => ({ 'x-forwarded-for': `203.0.113.${nextIp++}` });

describe('leak response', () => {
  let t: TestServer;
  let owner: TestClient;
  before(async () => {
    t = await startTestServer({
      TRUST_PROXY: 'true',
      CREDENTIAL_STATUS_MAX_PER_IP: '5',
      LEAK_REPORTS_MAX_PER_IP: '5',
      GITHUB_SECRET_SCANNING_KEYS: JSON.stringify({ public_keys: [{ key_identifier: GITHUB_KEY_ID, key: pem(github.publicKey), is_current: true }] }),
    });
    owner = t.client();
    await owner.signup();
  });
  after(() => t.stop());

  const status = async (hashes: string[], headers = fromNewIp()) =>
    t.client().post('/api/v1/credentials/status', { hashes }, { headers, noOrigin: true });
  const keyWorks = async (key: string) => (await t.client().get('/v1/models', { headers: { 'x-api-key': key } })).status === 200;

  test('status by hash: live, revoked or unknown, and nothing more', async () => {
    const live = await owner.createKey('live');
    const dead = await owner.createKey('dead');
    assert.equal((await owner.delete(`/api/v1/keys/${dead.id}`)).status, 200);
    const token = await createToken(owner, { scopes: ['account.read'] });
    const unknown = generateApiKey();
    const response = await status([live.key, dead.key, token.token, unknown].map(hashCredential));
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      results: [
        { hash: hashCredential(live.key), status: 'live' },
        { hash: hashCredential(dead.key), status: 'revoked' },
        { hash: hashCredential(token.token), status: 'live' },
        { hash: hashCredential(unknown), status: 'unknown' },
      ],
    });
  });

  test('status: bounded batches, hashes only, limited per IP with Retry-After', async () => {
    assert.equal((await status(Array.from({ length: 101 }, () => hashCredential(generateApiKey())))).status, 422);
    const secret = generateApiKey();
    const refused = await status([secret]);
    assert.equal(refused.status, 422, 'a secret where a hash belongs is refused');
    assert.equal(refused.text.includes(secret), false, 'and not echoed');
    assert.equal((await status([])).status, 422);
    const ip = fromNewIp();
    for (let i = 0; i < 5; i++) assert.equal((await status([hashCredential(generateApiKey())], ip)).status, 200);
    const limited = await status([hashCredential(generateApiKey())], ip);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('a report revokes at once, records the exposure window, notifies the owner, answers the usage link', async () => {
    const key = await owner.createKey('leaky');
    const token = await createToken(owner, { scopes: ['account.read'] });
    assert.equal(await keyWorks(key.key), true);
    // The leak was seen after the key was made; a first-seen time before that cannot widen the window.
    const firstSeen = new Date(Date.parse((key as unknown as { created_at: string }).created_at) + 5).toISOString();
    const response = await t.client().post(
      '/api/v1/leaks',
      {
        source: 'skytells-scan',
        leaks: [
          { credential: key.key, commit: 'a'.repeat(40), path: 'config/.env', url: 'https://git.example.com/acme/app', first_seen: firstSeen },
          { credential: token.token, path: `notes-${token.token}.txt`, first_seen: '2000-01-01T00:00:00Z' },
          { credential: generateApiKey() },
          { credential: 'sk-not-a-key' },
        ],
      },
      { headers: fromNewIp(), noOrigin: true },
    );
    assert.equal(response.status, 200, response.text);
    for (const secret of [key.key, token.token]) assert.equal(response.text.includes(secret), false, 'never echoed');
    const [forKey, forToken, unknown, invalid] = response.body.results;
    assert.equal(forKey.status, 'revoked');
    assert.equal(forKey.id, key.id);
    assert.equal(forKey.kind, 'api_key');
    assert.equal(forKey.exposure.from, firstSeen);
    assert.ok(Date.parse(forKey.exposure.to) >= Date.parse(forKey.exposure.from));
    assert.equal(forKey.usage_url, `/usage?${new URLSearchParams({ key_id: key.id, from: forKey.exposure.from, to: forKey.exposure.to })}`);
    assert.equal(forToken.status, 'revoked');
    assert.equal(forToken.kind, 'personal_access_token');
    assert.equal(forToken.exposure.from, (token as unknown as { created_at: string }).created_at);
    assert.deepEqual([unknown.status, invalid.status], ['unknown', 'invalid']);

    assert.equal(await keyWorks(key.key), false, 'the server refuses the revoked key');
    assert.equal((await bearer(t, token.token).get('/api/v1/account')).status, 401);
    assert.equal((await status([hashCredential(key.key)])).body.results[0].status, 'revoked');

    const audit = await owner.get('/api/v1/audit?type=credential.leak_reported');
    const event = audit.body.data.find((e: any) => e.target.id === key.id);
    assert.equal(event.metadata.source, 'skytells-scan');
    assert.equal(event.metadata.first_seen, forKey.exposure.from);
    assert.equal(event.metadata.exposure_from, forKey.exposure.from);
    assert.equal(event.metadata.exposure_to, forKey.exposure.to);
    assert.equal(event.metadata.revoked_at, forKey.exposure.to);
    assert.equal(event.metadata.commit, 'a'.repeat(40));
    assert.equal((await owner.get(`/api/v1/keys/${key.id}`)).body.status, 'revoked');
    const notifications = await owner.get('/api/v1/notifications');
    assert.equal(notifications.status, 200);
    const notice = notifications.body.data.find((n: any) => n.subject.id === key.id && n.type === 'credential.leak_reported');
    assert.equal(notice.payload.usage_url, forKey.usage_url);
    for (const text of [audit.text, notifications.text]) {
      assert.equal(text.includes(key.key), false);
      assert.equal(text.includes(token.token), false, 'a secret in a reported path is masked');
    }

    const again = await t.client().post('/api/v1/leaks', { leaks: [{ credential: key.key }] }, { headers: fromNewIp(), noOrigin: true });
    assert.equal(again.body.results[0].status, 'already_revoked');
    assert.equal(again.body.results[0].exposure.to, forKey.exposure.to, 'the window ends at the first revocation');
    const after = await owner.get('/api/v1/audit?type=credential.leak_reported');
    assert.equal(after.body.pagination.total, audit.body.pagination.total, 'a repeat records nothing more');
  });

  test('GitHub partner reports: signed ones revoke; tampered, unsigned or unknown-key ones get 401 and revoke nothing', async () => {
    const key = await owner.createKey('on github');
    const token = await createToken(owner, { scopes: ['account.read'] });
    const payload = (credential: string) =>
      JSON.stringify([{ token: credential, type: 'skytells_api_key', url: 'https://github.com/acme/app/blob/abc/.env', source: 'content' }]);
    const post = (body: string, headers: Record<string, string>) =>
      t.client().request('POST', '/api/v1/leaks', {
        rawBody: body,
        headers: { 'content-type': 'application/json', ...fromNewIp(), ...headers },
        noOrigin: true,
      });

    const body = payload(key.key);
    const tampered = await post(body.replace('content', 'commit!'), {
      'github-public-key-identifier': GITHUB_KEY_ID,
      'github-public-key-signature': githubSignature(body),
    });
    assert.equal(tampered.status, 401);
    const unknownKey = await post(body, { 'github-public-key-identifier': 'f'.repeat(64), 'github-public-key-signature': githubSignature(body) });
    assert.equal(unknownKey.status, 401);
    const wrongSigner = await post(body, {
      'github-public-key-identifier': GITHUB_KEY_ID,
      'github-public-key-signature': githubSignature(body, stranger.privateKey),
    });
    assert.equal(wrongSigner.status, 401);
    assert.equal((await post(body, {})).status, 401, 'the array form is GitHub’s and needs its signature');
    const signedScannerShape = JSON.stringify({ leaks: [{ credential: key.key }] });
    assert.equal(
      (await post(signedScannerShape, { 'github-public-key-identifier': GITHUB_KEY_ID, 'github-public-key-signature': 'AAAA' })).status,
      401,
    );
    for (const refused of [tampered, unknownKey, wrongSigner]) assert.equal(refused.text.includes(key.key), false);
    assert.equal(await keyWorks(key.key), true, 'nothing was revoked');

    const two = JSON.stringify([
      { token: key.key, type: 'skytells_api_key', url: 'https://github.com/acme/app/blob/abc/.env', source: 'content' },
      { token: token.token, type: 'skytells_personal_access_token', url: 'https://github.com/acme/app/issues/1', source: 'issue_comment' },
      { token: generatePersonalAccessToken(), type: 'skytells_personal_access_token', url: 'https://github.com/acme/app', source: 'content' },
    ]);
    const accepted = await post(two, { 'github-public-key-identifier': GITHUB_KEY_ID, 'github-public-key-signature': githubSignature(two) });
    assert.equal(accepted.status, 200, accepted.text);
    assert.deepEqual(
      accepted.body.map((r: any) => r.label),
      ['true_positive', 'true_positive', 'false_positive'],
    );
    assert.equal(accepted.body[0].token_hash, hashCredential(key.key));
    assert.equal(accepted.text.includes(key.key), false);
    assert.equal(await keyWorks(key.key), false);
    assert.equal((await bearer(t, token.token).get('/api/v1/account')).status, 401);
    const audit = await owner.get('/api/v1/audit?type=credential.leak_reported');
    assert.equal(audit.body.data.find((e: any) => e.target.id === key.id).metadata.source, 'github:content');
  });

  test('reports are limited per IP; bodies are bounded', async () => {
    const ip = fromNewIp();
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await t.client().post('/api/v1/leaks', { leaks: [{ credential: generateApiKey() }] }, { headers: ip, noOrigin: true })).status,
        200,
      );
    }
    const limited = await t.client().post('/api/v1/leaks', { leaks: [{ credential: generateApiKey() }] }, { headers: ip, noOrigin: true });
    assert.equal(limited.status, 429);
    assert.ok(limited.headers.get('retry-after'));
    const many = Array.from({ length: 101 }, () => ({ credential: generateApiKey() }));
    assert.equal((await t.client().post('/api/v1/leaks', { leaks: many }, { headers: fromNewIp(), noOrigin: true })).status, 422);
    const huge = await t
      .client()
      .post('/api/v1/leaks', { leaks: [{ credential: 'x', url: 'u'.repeat(300_000) }] }, { headers: fromNewIp(), noOrigin: true });
    assert.equal(huge.status, 413);
  });
});
