import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findCredentials, generateApiKey, generatePersonalAccessToken, maskCredential, redactCredentials } from './index.js';

const SHAPED = /sk-[0-9A-Za-z]{32}|sk_pat_[0-9a-f]{64}/;

/** The same credential with its last character changed: shaped, but the checksum fails. */
const typo = (value: string): string => value.slice(0, -1) + (value.endsWith('0') ? '1' : '0');

describe('findCredentials', () => {
  test('finds valid keys and tokens wherever they stand alone', () => {
    const [k1, k2, k3, k4, k5] = Array.from({ length: 5 }, generateApiKey) as [string, string, string, string, string];
    const [t1, t2] = [generatePersonalAccessToken(), generatePersonalAccessToken()];
    const text = [
      `${k1} at the start`,
      `SKYTELLS_API_KEY="${k2}"`,
      JSON.stringify({ token: t1, nested: { apiKey: k3 } }),
      `Authorization: Bearer ${t2}`,
      `two on a line: ${k4},${k1}.`,
      `at the end ${k5}`,
    ].join('\n');
    const found = findCredentials(text);
    assert.deepEqual(
      found.map((f) => [f.kind, f.value]),
      [
        ['api_key', k1],
        ['api_key', k2],
        ['personal_access_token', t1],
        ['api_key', k3],
        ['personal_access_token', t2],
        ['api_key', k4],
        ['api_key', k1],
        ['api_key', k5],
      ],
    );
    for (const f of found) assert.equal(text.slice(f.index, f.index + f.value.length), f.value);
  });

  test('ignores bad checksums and credentials glued into longer runs', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const text = [
      `bad checksum: ${typo(key)} ${typo(token)}`,
      `glued before: x${key} 0${key} _${key} a${token}`,
      `glued after: ${key}abc ${key}_ ${token}0 ${token}g`,
      `nothing here: sk- sk_pat_ ${key.slice(0, -1)} ${token.slice(0, -1)}`,
    ].join('\n');
    assert.deepEqual(findCredentials(text), []);
    assert.deepEqual(findCredentials(''), []);
  });
});

describe('redactCredentials', () => {
  test('masks every credential-shaped substring, valid or not, and leaves no credential behind', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const bad = typo(key);
    const line = `GET /v1/models?key=${key}&t=${token}&old=${bad} q=%22${key}%22 json="\\n${key}" glued=x${token}`;
    const redacted = redactCredentials(line);
    assert.doesNotMatch(redacted, SHAPED);
    assert.deepEqual(findCredentials(redacted), []);
    for (const secret of [key, token, bad]) assert.ok(!redacted.includes(secret.slice(7, -4)), secret);
    assert.equal(
      redacted,
      `GET /v1/models?key=${maskCredential(key)}&t=${maskCredential(token)}&old=${maskCredential(bad)}` +
        ` q=%22${maskCredential(key)}%22 json="\\n${maskCredential(key)}" glued=x${maskCredential(token)}`,
    );
  });

  test('a longer run that starts like a credential is replaced whole by the placeholder', () => {
    const key = generateApiKey();
    assert.equal(redactCredentials(`a=${key}XYZ;`), 'a=[redacted];');
    assert.equal(redactCredentials(`a=${key}${key.slice(3)};`), 'a=[redacted];');
  });

  test('text without credentials is unchanged, and large input stays fast', () => {
    const plain = 'sk- sk_pat_ task-123 sk-short {"a":1} \u2026';
    assert.equal(redactCredentials(plain), plain);
    const big = `${'x'.repeat(1024 * 1024)} ${generateApiKey()} ${'sk-'.repeat(100_000)}`;
    const started = performance.now();
    const redacted = redactCredentials(big);
    assert.doesNotMatch(redacted, SHAPED);
    assert.ok(performance.now() - started < 1000);
  });
});

describe('redactCredentials, encoded', () => {
  /** Every character percent-encoded, `depth` times over, hex in lower case. */
  const encodeAll = (value: string, depth = 1): string => {
    let text = [...value].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    for (let i = 1; i < depth; i++) text = text.replaceAll('%', '%25');
    return text;
  };

  test('a credential is masked in every percent-encoding: single, double, partial, either case, form-encoded', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const spellings: Array<[string, string]> = [
      [key.replace('-', '%2D'), key],
      [key.replace('-', '%2d'), key],
      [encodeURIComponent(key), key],
      [encodeAll(key), key],
      [encodeAll(key, 2), key],
      [encodeAll(key, 3), key],
      [`%2573k%252d${key.slice(3)}`, key],
      [`${key.slice(0, 10)}%${key.charCodeAt(10).toString(16).toUpperCase()}${key.slice(11)}`, key],
      [token.replaceAll('_', '%5F'), token],
      [encodeAll(token, 2), token],
    ];
    for (const [spelling, secret] of spellings) {
      const line = `GET /v1/models?x=${spelling}&q=a+${spelling}+b&j=%22${spelling}%22`;
      const redacted = redactCredentials(line);
      const decoded = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
      for (const view of [redacted, decoded(redacted), decoded(decoded(redacted)), decoded(decoded(decoded(redacted)))]) {
        assert.doesNotMatch(view, SHAPED, spelling);
        assert.ok(!view.includes(secret.slice(-26, -2)), spelling);
      }
      assert.equal(redacted, `GET /v1/models?x=${maskCredential(secret)}&q=a+${maskCredential(secret)}+b&j=%22${maskCredential(secret)}%22`);
    }
  });

  test('text with percent signs but no credential is unchanged', () => {
    const plain = '/v1/models?q=100%25+done&x=%2Fsk-&y=sk%2D&z=%2573%25';
    assert.equal(redactCredentials(plain), plain);
  });
});
