/** The device grant's codes and poll decisions (RFC 8628), without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEVICE_CODE_LIFETIME_SECONDS,
  decidePoll,
  hashDeviceCode,
  newDeviceCode,
  newUserCode,
  normalizeUserCode,
  POLL_INTERVAL_SECONDS,
  SLOW_DOWN_STEP_SECONDS,
  USER_CODE_ALPHABET,
} from './device-codes.js';

const now = Date.UTC(2026, 0, 1, 12);
const grant = (overrides: Partial<Parameters<typeof decidePoll>[0]> = {}) => ({
  status: 'pending',
  account_id: null as string | null,
  expires_at: now + DEVICE_CODE_LIFETIME_SECONDS * 1000,
  last_polled_at: null,
  interval_seconds: POLL_INTERVAL_SECONDS,
  ...overrides,
});

describe('decidePoll', () => {
  test('pending: authorization_pending on the first poll and on each poll at the interval', () => {
    assert.deepEqual(decidePoll(grant(), now), { outcome: 'authorization_pending' });
    assert.deepEqual(decidePoll(grant({ last_polled_at: now - POLL_INTERVAL_SECONDS * 1000 }), now), { outcome: 'authorization_pending' });
  });

  test('a poll inside the interval: slow_down, and the interval grows by 5 seconds each time', () => {
    assert.deepEqual(decidePoll(grant({ last_polled_at: now - 1000 }), now), {
      outcome: 'slow_down',
      interval: POLL_INTERVAL_SECONDS + SLOW_DOWN_STEP_SECONDS,
    });
    assert.deepEqual(decidePoll(grant({ last_polled_at: now - 9999, interval_seconds: 10 }), now), { outcome: 'slow_down', interval: 15 });
    assert.deepEqual(decidePoll(grant({ last_polled_at: now - 10_000, interval_seconds: 10 }), now), { outcome: 'authorization_pending' });
  });

  test('approved: the token is issued, unless polled too fast', () => {
    assert.deepEqual(decidePoll(grant({ status: 'approved', account_id: 'acct_1' }), now), { outcome: 'issue', accountId: 'acct_1' });
    assert.deepEqual(decidePoll(grant({ status: 'approved', account_id: 'acct_1', last_polled_at: now - 1000 }), now).outcome, 'slow_down');
  });

  test('approved without an approving account: nothing is issued', () => {
    assert.deepEqual(decidePoll(grant({ status: 'approved' }), now), { outcome: 'authorization_pending' });
    assert.deepEqual(decidePoll(grant({ status: 'approved', last_polled_at: now - 1000 }), now).outcome, 'slow_down');
  });

  test('denied: access_denied', () => {
    assert.deepEqual(decidePoll(grant({ status: 'denied' }), now), { outcome: 'access_denied' });
  });

  test('expired: expired_token, whatever the state, even approved, at the very expiry instant', () => {
    for (const status of ['pending', 'approved', 'denied']) {
      assert.deepEqual(decidePoll(grant({ status, expires_at: now }), now), { outcome: 'expired_token' }, status);
    }
  });

  test('consumed: invalid_grant before anything else, so a used code never yields a second token', () => {
    assert.deepEqual(decidePoll(grant({ status: 'consumed' }), now), { outcome: 'invalid_grant' });
    assert.deepEqual(decidePoll(grant({ status: 'consumed', expires_at: now - 1, last_polled_at: now }), now), { outcome: 'invalid_grant' });
  });
});

describe('user codes', () => {
  test('eight consonants without look-alikes, shown as XXXX-XXXX', () => {
    for (let i = 0; i < 200; i++) {
      const code = newUserCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(normalizeUserCode(code), code);
    }
    assert.equal(USER_CODE_ALPHABET.length, 20);
  });

  test('typed input: case, spaces and the dash do not matter', () => {
    assert.equal(normalizeUserCode('bcdf-ghjk'), 'BCDF-GHJK');
    assert.equal(normalizeUserCode(' bcdf ghjk '), 'BCDF-GHJK');
    assert.equal(normalizeUserCode('BCDFGHJK'), 'BCDF-GHJK');
  });

  test('anything that cannot be a user code is undefined', () => {
    for (const typed of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'BCDF-GHJA', 'BCDF-GHJ0', 'BCDF_GHJK', '../../etc']) {
      assert.equal(normalizeUserCode(typed), undefined, typed);
    }
  });
});

describe('device codes', () => {
  test('256 random bits, kept only as their SHA-256', () => {
    const code = newDeviceCode();
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newDeviceCode(), code);
    assert.match(hashDeviceCode(code), /^[0-9a-f]{64}$/);
    assert.equal(hashDeviceCode(code), hashDeviceCode(code));
    assert.ok(!hashDeviceCode(code).includes(code));
  });
});
