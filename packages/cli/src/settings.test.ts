import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_API_URL, expiresWithin, resolveApiUrl, resolveCredential } from './settings.js';

const file = { token: 'sk_pat_from_file', api_url: 'http://file.example:8080' };

describe('precedence', () => {
  test('credential: SKYTELLS_TOKEN, then SKYTELLS_API_KEY, then the file', () => {
    assert.deepEqual(resolveCredential({ SKYTELLS_TOKEN: 'sk_pat_env', SKYTELLS_API_KEY: 'sk-env' }, file), {
      secret: 'sk_pat_env',
      kind: 'personal_access_token',
      source: 'SKYTELLS_TOKEN',
    });
    assert.deepEqual(resolveCredential({ SKYTELLS_API_KEY: 'sk-env' }, file), { secret: 'sk-env', kind: 'api_key', source: 'SKYTELLS_API_KEY' });
    assert.deepEqual(resolveCredential({}, file), { secret: 'sk_pat_from_file', kind: 'personal_access_token', source: 'credentials file' });
    assert.equal(resolveCredential({}, undefined), undefined);
    assert.equal(resolveCredential({ SKYTELLS_TOKEN: '  ' }, {})?.source, undefined, 'an empty variable is no credential');
  });

  test('server URL: --api-url, then SKYTELLS_API_URL, then the file, then the default', () => {
    const env = { SKYTELLS_API_URL: 'http://env.example/' };
    assert.deepEqual(resolveApiUrl('http://flag.example', env, file), { url: 'http://flag.example', source: '--api-url' });
    assert.deepEqual(resolveApiUrl(undefined, env, file), { url: 'http://env.example', source: 'SKYTELLS_API_URL' });
    assert.deepEqual(resolveApiUrl(undefined, {}, file), { url: 'http://file.example:8080', source: 'credentials file' });
    assert.deepEqual(resolveApiUrl(undefined, {}, undefined), { url: DEFAULT_API_URL, source: 'default' });
  });

  test('expiry within a week, in whole days', () => {
    const now = Date.UTC(2026, 0, 1);
    const inDays = (days: number) => new Date(now + days * 86_400_000).toISOString();
    assert.equal(expiresWithin(inDays(3.5), now, 7), 3);
    assert.equal(expiresWithin(inDays(0.2), now, 7), 0);
    assert.equal(expiresWithin(inDays(-1), now, 7), 0, 'an expired token is warned of too');
    assert.equal(expiresWithin(inDays(7.01), now, 7), undefined);
    assert.equal(expiresWithin(null, now, 7), undefined, 'no expiry');
    assert.equal(expiresWithin('not a date', now, 7), undefined);
  });
});
