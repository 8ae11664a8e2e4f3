/** Value formats shared by every response, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayNameSchema, idParamsSchema, isoTime, isoTimeSchema } from './values.js';

describe('isoTime', () => {
  test('epoch milliseconds to ISO 8601 UTC, null stays null, and the schema accepts what it makes', () => {
    assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
    assert.equal(isoTime(Date.UTC(2026, 1, 28, 23, 59, 59, 7)), '2026-02-28T23:59:59.007Z');
    assert.equal(isoTime(null), null);
    assert.ok(isoTimeSchema.safeParse(isoTime(Date.now())).success);
    assert.ok(!isoTimeSchema.safeParse('2026-02-28').success);
  });
});

describe('displayNameSchema', () => {
  test('trims, and keeps any printable text up to 64 characters', () => {
    assert.equal(displayNameSchema.parse('  my app  '), 'my app');
    assert.equal(displayNameSchema.parse('n'.repeat(64)), 'n'.repeat(64));
    assert.equal(displayNameSchema.parse('clé · 鍵'), 'clé · 鍵');
  });

  test('refuses empty, too long, and control characters', () => {
    for (const name of ['', '   ', 'n'.repeat(65), 'nul\u0000byte', '\u001b[31mred', 'line\nbreak', 7]) {
      assert.equal(displayNameSchema.safeParse(name).success, false, JSON.stringify(name));
    }
  });
});

describe('idParamsSchema', () => {
  test('an id of 1 to 64 characters', () => {
    assert.ok(idParamsSchema.safeParse({ id: 'key_1' }).success);
    assert.ok(!idParamsSchema.safeParse({ id: '' }).success);
    assert.ok(!idParamsSchema.safeParse({ id: 'k'.repeat(65) }).success);
  });
});
