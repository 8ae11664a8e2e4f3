import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUsd, toNanos } from './money.ts';

test('charges add up exactly in nanodollars and print with at least four decimals', () => {
  assert.equal(toNanos('0.0025'), 2_500_000n);
  assert.equal(toNanos('12'), 12_000_000_000n);
  assert.equal(toNanos('0.000000001'), 1n);
  assert.equal(formatUsd(toNanos('0.1') + toNanos('0.2')), '$0.3000');
  assert.equal(formatUsd(0n), '$0.0000');
  assert.equal(formatUsd(toNanos('0.000000001') * 3n), '$0.000000003');
  assert.equal(formatUsd(toNanos('100000000000.5')), '$100000000000.5000');
});
