import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attemptsToRead, decide, mostRestrictive, type ThrottlePolicy } from './policy.js';

const SECOND = 1000;
const now = 1_000_000 * SECOND;
/** `n` attempts, the newest `ageSeconds` ago, one second apart going back. */
const attempts = (n: number, ageSeconds = 0) => Array.from({ length: n }, (_, i) => now - (ageSeconds + i) * SECOND);

describe('throttle decisions', () => {
  const hard: ThrottlePolicy = { limit: 3, windowMs: 60 * SECOND };
  const progressive: ThrottlePolicy = { limit: 3, windowMs: 900 * SECOND, delay: { minMs: 5 * SECOND, maxMs: 300 * SECOND } };

  test('under the limit an attempt passes at once, whatever the policy', () => {
    for (const policy of [hard, progressive]) {
      assert.deepEqual(decide(policy, [], now), { allow: true });
      assert.deepEqual(decide(policy, attempts(2), now), { allow: true });
    }
  });

  test('a hard limit waits until the limit-th newest attempt leaves the window', () => {
    // Newest first: 0 s, 1 s and 2 s old; the third (2 s old) leaves the 60 s window in 58 s.
    assert.deepEqual(decide(hard, attempts(3), now), { allow: false, retryAfterSeconds: 58 });
    assert.deepEqual(
      decide(hard, [now - 50 * SECOND, now - 55 * SECOND, now - 59_500], now),
      { allow: false, retryAfterSeconds: 1 },
      'half a second rounds up',
    );
    assert.deepEqual(decide(hard, [now - 10 * SECOND, now - 20 * SECOND, now - 60 * SECOND], now), { allow: true }, 'exactly a window old: gone');
  });

  test('a progressive delay doubles from its minimum with each attempt beyond the limit, up to its maximum', () => {
    const waits = [3, 4, 5, 6, 7, 8, 9, 10, 11, 20].map((n) => {
      const decision = decide(progressive, attempts(n), now);
      return decision.allow ? 0 : decision.retryAfterSeconds;
    });
    assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
  });

  test('a progressive delay counts from the latest attempt and then lets one attempt through', () => {
    assert.deepEqual(decide(progressive, attempts(3, 2), now), { allow: false, retryAfterSeconds: 3 });
    assert.deepEqual(decide(progressive, attempts(3, 5), now), { allow: true });
    assert.deepEqual(decide(progressive, attempts(4, 5), now), { allow: false, retryAfterSeconds: 5 });
  });

  test('the attempts to read are enough to decide: more change nothing', () => {
    assert.equal(attemptsToRead(hard), 3);
    // 5 s doubled 6 times is 320 s, past the 300 s maximum: limit + 6.
    assert.equal(attemptsToRead(progressive), 9);
    assert.deepEqual(decide(progressive, attempts(9), now), decide(progressive, attempts(50), now));
    assert.equal(attemptsToRead({ ...progressive, delay: { minMs: 10 * SECOND, maxMs: SECOND } }), 3, 'a maximum below the minimum adds nothing');
  });

  test('several counters: the attempt waits for the slowest', () => {
    assert.deepEqual(mostRestrictive([]), { allow: true });
    assert.deepEqual(mostRestrictive([{ allow: true }, { allow: true }]), { allow: true });
    assert.deepEqual(mostRestrictive([{ allow: false, retryAfterSeconds: 5 }, { allow: true }, { allow: false, retryAfterSeconds: 40 }]), {
      allow: false,
      retryAfterSeconds: 40,
    });
  });
});
