import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import { detect, findNeedles } from './detect.js';
import { lookAlikes } from './look-alikes.test-support.js';

const found = (text: string) => detect(Buffer.from(text)).map((d) => [d.value, d.encoding]);

describe('detect', () => {
  test('plain keys and tokens, with their lines', () => {
    const key = generateApiKey();
    const token = generatePersonalAccessToken();
    const detections = detect(Buffer.from(`first line\nSKYTELLS_API_KEY=${key}\n\nAuthorization: Bearer ${token}\n`));
    assert.deepEqual(
      detections.map((d) => [d.value, d.kind, d.line]),
      [
        [key, 'api_key', 2],
        [token, 'personal_access_token', 4],
      ],
    );
  });

  test('inside JSON string escapes, percent-encoding and terminal colours', () => {
    const [k1, k2, k3, k4, k5] = Array.from({ length: 5 }, generateApiKey);
    const token = generatePersonalAccessToken();
    assert.deepEqual(found(JSON.stringify({ env: `A=1\n${k1}\tB` })), [[k1, 'json-escape']]);
    assert.deepEqual(found(`GET /x?key%3D${k2}%26a=1`), [[k2, 'percent']]);
    assert.deepEqual(found(`/x?key=${encodeURIComponent(encodeURIComponent(`sk-${k3?.slice(3)}`)).replace('-', '%252D')}`), [[k3, 'percent']]);
    assert.deepEqual(found(`{"k": "${(k4 as string).replace('sk-', 'sk\\u002d')}"}`), [[k4, 'json-escape']]);
    assert.deepEqual(found(`"text": ["\\u001b[0m${token}\\n"]`), [[token, 'json-escape']]);
    assert.deepEqual(found(`key=${'%73%6B%2D'}${k5?.slice(3)}&`), [[k5, 'percent']]);
  });

  test('base64 of a line, at every alignment', () => {
    for (const pad of ['', 'x', 'xy', 'KEY=']) {
      const key = generateApiKey();
      const token = generatePersonalAccessToken();
      const text = `data: ${Buffer.from(`${pad}${key}\n`).toString('base64')}\nmore: ${Buffer.from(`${pad}${token}`).toString('base64')}\n`;
      assert.deepEqual(found(text), [
        [key, 'base64'],
        [token, 'base64'],
      ]);
    }
  });

  test('a notebook output holding a token', () => {
    const token = generatePersonalAccessToken();
    const notebook = { cells: [{ cell_type: 'code', outputs: [{ output_type: 'stream', name: 'stdout', text: [`token: ${token}\n`] }] }] };
    assert.deepEqual(found(JSON.stringify(notebook, null, 1)), [[token, 'plain']]);
  });

  test('look-alikes are never reported, in any encoding', () => {
    for (const fake of lookAlikes()) {
      for (const text of [fake, JSON.stringify(`\n${fake}`), encodeURIComponent(`=${fake}`), Buffer.from(`K=${fake}`).toString('base64')]) {
        assert.deepEqual(found(` ${text} `), [], text);
      }
    }
  });

  test('a credential glued to a longer run is not reported', () => {
    const key = generateApiKey();
    assert.deepEqual(found(`${key}A`), []);
    assert.deepEqual(found(`x${key}`), []);
  });

  test('random bytes and random text hold nothing; the fast path is a plain search', () => {
    assert.deepEqual(detect(randomBytes(1 << 20)), []);
    assert.deepEqual(findNeedles(Buffer.from('const task = disk.ask(); // the quick brown fox\n'.repeat(1000))), []);
    assert.equal(findNeedles(Buffer.from(`x ${generateApiKey()}`)).length, 1);
  });
});
