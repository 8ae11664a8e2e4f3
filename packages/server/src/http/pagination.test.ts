/** Page numbers and keyset cursors, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from './errors.js';
import { decodeCursor, encodeCursor, offsetOf, pageOf, pageQuerySchema } from './pagination.js';

const EVENT_ID = /^evt_[0-9A-Za-z]{24}$/;
const id = 'evt_0000000000000000000000ab';

describe('page numbers', () => {
  test('default to page 1 of 20; strings from the query string are coerced', () => {
    assert.deepEqual(pageQuerySchema.parse({}), { page: 1, per_page: 20 });
    assert.deepEqual(pageQuerySchema.parse({ page: '3', per_page: '100' }), { page: 3, per_page: 100 });
  });

  test('refuse pages out of range', () => {
    for (const query of [
      { page: '0' },
      { page: '-1' },
      { page: '1.5' },
      { page: 'x' },
      { per_page: '0' },
      { per_page: '101' },
      { page: '10000001' },
    ]) {
      assert.equal(pageQuerySchema.safeParse(query).success, false, JSON.stringify(query));
    }
  });

  test('offset and last page', () => {
    assert.equal(offsetOf({ page: 1, per_page: 20 }), 0);
    assert.equal(offsetOf({ page: 3, per_page: 25 }), 50);
    const query = { page: 2, per_page: 10 };
    assert.deepEqual(pageOf(['a'], 11, query), { data: ['a'], pagination: { current_page: 2, per_page: 10, total: 11, last_page: 2 } });
    assert.equal(pageOf([], 20, query).pagination.last_page, 2);
    assert.equal(pageOf([], 0, query).pagination.last_page, 1, 'an empty list still has a page');
  });
});

describe('keyset cursors', () => {
  test('round-trip, and are opaque base64url', () => {
    const cursor = { at: Date.UTC(2026, 0, 1), id };
    const text = encodeCursor(cursor);
    assert.match(text, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(text, EVENT_ID), cursor);
    assert.deepEqual(decodeCursor(encodeCursor({ at: 0, id }), EVENT_ID), { at: 0, id });
  });

  test('refuse, with 422, whatever encoding cannot have made', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const text of [
      '',
      'not base64 at all!',
      forged(`${Date.now()}`),
      forged(`-1:${id}`),
      forged(`1.5:${id}`),
      forged(`12345678901234567:${id}`),
      forged('1:key_0000000000000000000000ab'),
      forged(`1:${id}' or 1=1 --`),
      forged(`:${id}`),
    ]) {
      assert.throws(
        () => decodeCursor(text, EVENT_ID),
        (error: unknown) =>
          error instanceof ApiError &&
          error.errorId === 'INVALID_INPUT' &&
          error.options.details === 'cursor: use the next_cursor of a previous page',
        text,
      );
    }
  });
});
