import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import { detect, findNeedles, needlePosition } from './detect.js';
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

  test('the search that looks at every other pair finds each needle at either parity, in any window, in order', () => {
    const [key, pat] = [generateApiKey(), generatePersonalAccessToken()];
    const spelled = [
      key,
      pat,
      key.replace('-', '%2D'),
      `%73${key.slice(1)}`,
      `%2573${key.slice(1)}`,
      key.replace('-', '\\u002d'),
      `\\u0073${key.slice(1)}`,
    ];
    const base64 = ['', 'x', 'xy'].flatMap((lead) => [key, pat].map((value) => Buffer.from(lead + value).toString('base64')));
    const text = Buffer.from([...spelled, ...base64].join(' | '));
    const positions = (buffer: Buffer, from?: number, to?: number) => findNeedles(buffer, from, to).map(needlePosition);
    const all = positions(text);
    assert.ok(all.length >= spelled.length + base64.length, 'every spelling holds a needle');
    assert.deepEqual(
      all,
      [...all].sort((a, b) => a - b),
    );
    for (const lead of [1, 2, 3]) {
      assert.deepEqual(
        positions(Buffer.concat([Buffer.alloc(lead, 0x20), text])).map((at) => at - lead),
        all,
      );
    }
    for (let from = 0; from < text.length; from += 7) {
      for (const to of [from, from + 1, from + 2, from + 3, from + 40, text.length]) {
        assert.deepEqual(
          positions(text, from, to),
          all.filter((at) => at >= from && at < to),
          `window [${from}, ${to})`,
        );
      }
    }
  });
});
