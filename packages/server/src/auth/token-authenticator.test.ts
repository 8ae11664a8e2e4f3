import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearerToken } from './token-authenticator.js';

const TOKEN = `sk_pat_${'0'.repeat(64)}`;

describe('bearer parsing', () => {
  test('no Authorization header: no token presented (the session cookie may authenticate)', () => {
    assert.equal(bearerToken(undefined), undefined);
  });

  test('Bearer <token>, the scheme in any case, extra spaces tolerated', () => {
    assert.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN);
    assert.equal(bearerToken(`bearer ${TOKEN}`), TOKEN);
    assert.equal(bearerToken(`BEARER   ${TOKEN}  `), TOKEN);
  });

  test('any other Authorization is a token presented and malformed (a 401, never a fall-back to the cookie)', () => {
    for (const header of ['', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, `Bearer\t${TOKEN}`, `Token ${TOKEN}`, TOKEN]) {
      assert.equal(bearerToken(header), '', JSON.stringify(header));
    }
  });
});
