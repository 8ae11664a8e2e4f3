import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CredentialKind, FORMATS, formatOf } from './kinds.js';

describe('the table of credential kinds', () => {
  test('holds exactly the documented kinds and lengths', () => {
    const summary = Object.fromEntries(FORMATS.map((f) => [f.kind, [f.prefix, f.alphabet.length, f.randomLength, f.checksumLength, f.length]]));
    assert.deepEqual(summary, {
      api_key: ['sk-', 62, 26, 6, 35],
      personal_access_token: ['sk_pat_', 16, 56, 8, 71],
    });
  });

  test('no string can have the shape of two kinds', () => {
    for (const a of FORMATS) {
      for (const b of FORMATS) {
        if (a === b) continue;
        assert.ok(!a.prefix.startsWith(b.prefix), `${a.prefix} starts with ${b.prefix}`);
      }
    }
  });

  test('alphabets are distinct ASCII characters, and checksums fit the alphabet and width', () => {
    for (const f of FORMATS) {
      assert.equal(new Set(f.alphabet).size, f.alphabet.length);
      assert.match(f.alphabet, /^[\x21-\x7e]+$/);
      for (const crc of [0, 1, 61, 62, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
        const checksum = f.encodeChecksum(crc);
        assert.equal(checksum.length, f.checksumLength, `${f.kind} ${crc}`);
        for (const c of checksum) assert.ok(f.alphabet.includes(c), `${f.kind} ${crc}: ${c}`);
      }
    }
  });

  test('an unknown kind is a TypeError, not a crash further on', () => {
    assert.throws(() => formatOf('sk_proj' as CredentialKind), TypeError);
  });
});
