import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { BASE62_ALPHABET, encodeBase62 } from './base62.js';
import { base62Checksum, crc32Of, hexChecksum } from './checksum.js';
import { parseCredential } from './index.js';

/** Bitwise CRC32 (IEEE, reflected, polynomial 0xEDB88320): an independent reference for zlib. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62 via BigInt, a second implementation to check `encodeBase62` against. */
function referenceBase62(value: number, width: number): string {
  let rest = BigInt(value);
  let out = '';
  do {
    out = BASE62_ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  } while (rest > 0n);
  return out.padStart(width, '0');
}

describe('checksum', () => {
  test('CRC32 is the IEEE one (check value of "123456789") and agrees with a bitwise reference', () => {
    assert.equal(crc32Of('123456789'), 0xcbf43926);
    assert.equal(crc32Of(''), 0);
    for (let i = 0; i < 1000; i++) {
      const text = randomBytes(1 + (i % 70)).toString('base64');
      assert.equal(crc32Of(text), referenceCrc32(text));
    }
  });

  test('CRC32 agrees with zlib, also for non-ASCII text (hashed as UTF-8)', () => {
    for (const text of ['sk-', 'caf\u00e9', '\u2026\u{1f511}', randomBytes(300).toString('latin1')]) assert.equal(crc32Of(text), crc32(text) >>> 0);
  });

  test('base62 is most significant digit first, left-padded with 0, and fixed width for any CRC', () => {
    assert.equal(encodeBase62(0, 6), '000000');
    assert.equal(encodeBase62(61, 6), '00000z');
    assert.equal(encodeBase62(62, 6), '000010');
    assert.equal(base62Checksum(6)(0xffffffff), referenceBase62(0xffffffff, 6));
    assert.equal(base62Checksum(6)(0xffffffff), '4gfFC3');
    assert.equal(hexChecksum(8)(0), '00000000');
    assert.equal(hexChecksum(8)(0xcbf43926), 'cbf43926');
    for (let i = 0; i < 10_000; i++) {
      const crc = randomBytes(4).readUInt32BE(0);
      assert.equal(base62Checksum(6)(crc), referenceBase62(crc, 6));
    }
  });

  test('known-answer credentials, built with the reference implementations, parse', () => {
    const keyHead = 'sk-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const key = keyHead + referenceBase62(referenceCrc32(keyHead), 6);
    assert.equal(parseCredential(key)?.kind, 'api_key');
    const tokenHead = `sk_pat_${'0123456789abcdef'.repeat(4).slice(0, 56)}`;
    const token = tokenHead + referenceCrc32(tokenHead).toString(16).padStart(8, '0');
    assert.equal(parseCredential(token)?.kind, 'personal_access_token');
  });
});
