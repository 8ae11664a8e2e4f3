import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  BASE62_ALPHABET,
  findCredentials,
  generateApiKey,
  generatePersonalAccessToken,
  hashCredential,
  isCredential,
  maskCredential,
  parseCredential,
  redactCredentials,
} from './index.js';

const HEX = '0123456789abcdef';

describe('generation and validation', () => {
  test('every generated credential validates and has the documented shape', () => {
    for (let i = 0; i < 10_000; i++) {
      const key = generateApiKey();
      assert.match(key, /^sk-[0-9A-Za-z]{32}$/);
      assert.deepEqual(parseCredential(key), { kind: 'api_key', prefix: 'sk-', body: key.slice(3) });
      const token = generatePersonalAccessToken();
      assert.match(token, /^sk_pat_[0-9a-f]{64}$/);
      assert.equal(token.length, 71);
      assert.equal(parseCredential(token)?.kind, 'personal_access_token');
    }
  });

  test('every single-character substitution fails validation', () => {
    const cases = [
      ...Array.from({ length: 50 }, () => ({ value: generateApiKey(), prefix: 'sk-', alphabet: BASE62_ALPHABET })),
      ...Array.from({ length: 50 }, () => ({ value: generatePersonalAccessToken(), prefix: 'sk_pat_', alphabet: HEX })),
    ];
    let tried = 0;
    for (const { value, prefix, alphabet } of cases) {
      for (let position = 0; position < value.length; position++) {
        const pool = position < prefix.length ? `${alphabet}_-ks` : alphabet;
        for (const replacement of pool) {
          if (replacement === value[position]) continue;
          const mutated = value.slice(0, position) + replacement + value.slice(position + 1);
          assert.equal(parseCredential(mutated), null, `${position}:${replacement}`);
          tried++;
        }
      }
    }
    assert.ok(tried > 100_000, `tried ${tried}`);
  });

  test('wrong prefix, length or alphabet, and hostile input, are rejected without throwing', () => {
    const key = generateApiKey();
    const rejected = [
      '',
      'sk-',
      key.slice(0, -1),
      key + 'A',
      'SK-' + key.slice(3),
      'pk-' + key.slice(3),
      key.slice(0, 10) + '!' + key.slice(11),
      key.slice(0, 10) + 'é' + key.slice(11),
      generatePersonalAccessToken().toUpperCase(),
      'x'.repeat(1024 * 1024),
      'sk-' + 'A'.repeat(1024 * 1024),
    ];
    for (const value of rejected) assert.equal(parseCredential(value), null);
    for (const value of [undefined, null, 42, {}] as unknown as string[]) assert.equal(parseCredential(value), null);
    assert.ok(isCredential(key, 'api_key'));
    assert.ok(!isCredential(key, 'personal_access_token'));
  });
});

describe('masking and hashing', () => {
  test('a mask is the prefix, the first 4 and last 4 of the body, around an ellipsis', () => {
    const key = generateApiKey();
    assert.equal(maskCredential(key), `sk-${key.slice(3, 7)}\u2026${key.slice(-4)}`);
    const token = generatePersonalAccessToken();
    assert.equal(maskCredential(token), `sk_pat_${token.slice(7, 11)}\u2026${token.slice(-4)}`);
    assert.equal(maskCredential('whatever secret text'), '[redacted]');
  });

  test('the hash is SHA-256 of the whole string, in hex', () => {
    const key = generateApiKey();
    assert.equal(hashCredential(key), createHash('sha256').update(key).digest('hex'));
    assert.match(hashCredential(key), /^[0-9a-f]{64}$/);
  });
});

describe('finding credentials in text', () => {
  test('finds valid keys and tokens wherever they sit, and nothing else', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const bad = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    const text = [
      `SKYTELLS_API_KEY="${key}"`,
      JSON.stringify({ token }),
      `bad checksum: ${bad}`,
      `glued: x${key.slice(1)}Z and ${key}abc`,
      `at the end ${key}`,
    ].join('\n');
    const found = findCredentials(text);
    assert.deepEqual(
      found.map((f) => [f.kind, f.value]),
      [
        ['api_key', key],
        ['personal_access_token', token],
        ['api_key', key],
      ],
    );
    for (const f of found) assert.equal(text.slice(f.index, f.index + f.value.length), f.value);
  });

  test('redaction leaves no credential-shaped secret behind, valid or not', () => {
    const key = generateApiKey();
    const bad = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    const token = generatePersonalAccessToken();
    const redacted = redactCredentials(`GET /v1/models?key=${key}&t=${token} (${bad})`);
    assert.ok(!redacted.includes(key.slice(3)));
    assert.ok(!redacted.includes(bad.slice(3)));
    assert.ok(!redacted.includes(token.slice(7)));
    assert.ok(redacted.includes(maskCredential(key)));
    assert.ok(redacted.includes(maskCredential(token)));
  });
});
