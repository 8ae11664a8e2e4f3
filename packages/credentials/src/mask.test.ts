import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken, hashCredential, maskCredential } from './index.js';

describe('masking', () => {
  test('a mask is the prefix, the first 4 and last 4 body characters, around U+2026', () => {
    for (let i = 0; i < 100; i++) {
      const key = generateApiKey();
      const mask = maskCredential(key);
      assert.match(mask, /^sk-[0-9A-Za-z]{4}\u2026[0-9A-Za-z]{4}$/);
      assert.equal(mask, `sk-${key.slice(3, 7)}\u2026${key.slice(-4)}`);
      const token = generatePersonalAccessToken();
      assert.match(maskCredential(token), /^sk_pat_[0-9a-f]{4}\u2026[0-9a-f]{4}$/);
      assert.equal(maskCredential(token), `sk_pat_${token.slice(7, 11)}\u2026${token.slice(-4)}`);
    }
  });

  test('a credential-shaped string with a bad checksum is still masked, not echoed', () => {
    const key = generateApiKey();
    const typo = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    assert.equal(maskCredential(typo), `sk-${typo.slice(3, 7)}\u2026${typo.slice(-4)}`);
  });

  test('anything not credential-shaped becomes a fixed placeholder', () => {
    const key = generateApiKey();
    for (const value of [
      '',
      'whatever secret text',
      key.slice(0, -1),
      `${key}x`,
      `${key.slice(0, 20)}!${key.slice(21)}`,
      `pk-${key.slice(3)}`,
      'x'.repeat(1024 * 1024),
      undefined as unknown as string,
    ]) {
      assert.equal(maskCredential(value), '[redacted]');
    }
  });
});

describe('hashing', () => {
  test('the hash is lowercase hex SHA-256 of the whole string', () => {
    for (const value of [generateApiKey(), generatePersonalAccessToken()]) {
      const hash = hashCredential(value);
      assert.match(hash, /^[0-9a-f]{64}$/);
      assert.equal(hash, createHash('sha256').update(value, 'utf8').digest('hex'));
    }
    assert.equal(hashCredential('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
