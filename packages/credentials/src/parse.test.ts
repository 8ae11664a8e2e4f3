import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BASE62_ALPHABET,
  type CredentialKind,
  generateApiKey,
  generateCredential,
  generatePersonalAccessToken,
  isCredential,
  parseCredential,
} from './index.js';

const HEX = '0123456789abcdef';
const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('generation and validation', () => {
  test('10,000 generated credentials of each kind validate and have the documented shape', () => {
    for (let i = 0; i < 10_000; i++) {
      const key = generateApiKey();
      assert.match(key, /^sk-[0-9A-Za-z]{32}$/);
      assert.deepEqual(parseCredential(key), { kind: 'api_key', prefix: 'sk-', body: key.slice(3) });
      const token = generatePersonalAccessToken();
      assert.match(token, /^sk_pat_[0-9a-f]{64}$/);
      assert.equal(token.length, 71);
      assert.deepEqual(parseCredential(token), { kind: 'personal_access_token', prefix: 'sk_pat_', body: token.slice(7) });
    }
  });

  test('generateCredential(kind) makes that kind', () => {
    for (const kind of ['api_key', 'personal_access_token'] as const) assert.ok(isCredential(generateCredential(kind), kind));
    assert.throws(() => generateCredential('sk_proj' as CredentialKind), TypeError);
  });

  test('every single-character substitution, in body or prefix, fails validation', () => {
    const kinds = [
      { generate: generateApiKey, prefix: 'sk-', alphabet: BASE62_ALPHABET },
      { generate: generatePersonalAccessToken, prefix: 'sk_pat_', alphabet: HEX },
    ];
    let tried = 0;
    for (const { generate, prefix, alphabet } of kinds) {
      for (let n = 0; n < 60; n++) {
        const value = generate();
        for (let position = 0; position < value.length; position++) {
          // Body: every other character of the alphabet. Prefix: every other printable ASCII.
          const pool = position < prefix.length ? PRINTABLE_ASCII : alphabet;
          for (const replacement of pool) {
            if (replacement === value[position]) continue;
            const mutated = value.slice(0, position) + replacement + value.slice(position + 1);
            if (parseCredential(mutated) !== null) assert.fail(`accepted ${mutated} (position ${position})`);
            tried++;
          }
        }
      }
    }
    // 60 × (32 × 61 + 3 × 94) + 60 × (64 × 15 + 7 × 94)
    assert.equal(tried, 60 * (32 * 61 + 3 * 94) + 60 * (64 * 15 + 7 * 94));
  });

  test('wrong prefix, length or alphabet, and hostile input, are rejected without throwing', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const rejected = [
      '',
      'sk-',
      'sk_pat_',
      key.slice(0, -1),
      `${key}A`,
      token.slice(0, -1),
      `${token}0`,
      `SK-${key.slice(3)}`,
      `pk-${key.slice(3)}`,
      ` ${key}`,
      `${key.slice(0, 10)}!${key.slice(11)}`,
      `${key.slice(0, 10)}\u00e9${key.slice(11)}`,
      key.slice(0, 10) + '\u{1F511}'.slice(0, 1) + key.slice(11),
      `${token.slice(0, 20)}A${token.slice(21)}`,
      token.toUpperCase(),
      `sk_pat_${key.slice(3)}${key.slice(3, 39)}`,
      'x'.repeat(1024 * 1024),
      `sk-${'A'.repeat(1024 * 1024)}`,
      key.repeat(30_000),
    ];
    for (const value of rejected) {
      assert.equal(parseCredential(value), null, value.slice(0, 80));
      assert.equal(isCredential(value), false);
    }
    for (const value of [undefined, null, 42, {}, [key], { length: 35 }] as unknown as string[]) {
      assert.equal(parseCredential(value), null);
    }
  });

  test('isCredential checks the kind when one is given', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    assert.ok(isCredential(key) && isCredential(key, 'api_key') && !isCredential(key, 'personal_access_token'));
    assert.ok(isCredential(token) && isCredential(token, 'personal_access_token') && !isCredential(token, 'api_key'));
  });
});
