import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDuration, parseSince } from './duration.js';

describe('durations', () => {
  test('single units and sums', () => {
    assert.equal(parseDuration('90s'), 90);
    assert.equal(parseDuration('15m'), 900);
    assert.equal(parseDuration('12h'), 43_200);
    assert.equal(parseDuration('7d'), 604_800);
    assert.equal(parseDuration('2w'), 1_209_600);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration(' 1D '), 86_400, 'case and spaces around do not matter');
    assert.equal(parseDuration('0s'), 0);
  });

  test('anything else is not a duration', () => {
    for (const text of ['', '7', 'd', '7x', '-1d', '1.5h', '1h 30m', '7days', 'h1', '99999999999999999999d']) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });

  test('--since: a duration back from now, or a date', () => {
    const now = Date.UTC(2026, 0, 31, 12);
    assert.equal(parseSince('7d', now)?.toISOString(), '2026-01-24T12:00:00.000Z');
    assert.equal(parseSince('2026-01-01', now)?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(parseSince('2026-01-01T10:30:00Z', now)?.toISOString(), '2026-01-01T10:30:00.000Z');
    assert.equal(parseSince('2026-13-45', now), undefined);
    assert.equal(parseSince('yesterday', now), undefined);
    assert.equal(parseSince('1700000000', now), undefined, 'a bare number is neither');
  });
});
