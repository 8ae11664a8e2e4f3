import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { chiSquareCriticalValue, chiSquareStatistic, chiSquareSurvival } from './chi-square.test-support.js';
import { BASE62_ALPHABET, randomString } from './index.js';

const SAMPLE = 1_000_000;
const ALPHA = 1e-6;

function counts(text: string, alphabet: string): number[] {
  const index = new Map([...alphabet].map((c, i) => [c, i]));
  const result = new Array<number>(alphabet.length).fill(0);
  for (const c of text) result[index.get(c)!]!++;
  return result;
}

/** The same uniformity test for every generator: chi-square goodness of fit at α = 10^-6. */
function isUniform(text: string, alphabet: string): { statistic: number; critical: number; uniform: boolean } {
  const statistic = chiSquareStatistic(counts(text, alphabet));
  const critical = chiSquareCriticalValue(alphabet.length - 1, ALPHA);
  return { statistic, critical, uniform: statistic <= critical };
}

/** The negative control: the classic modulo-biased generator. */
function moduloBiased(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

describe('uniformity of random characters', () => {
  test('the chi-square helper matches closed forms and published tables', () => {
    // df = 2 is exponential: P(χ² > x) = e^(-x/2); its α = 10^-6 critical value is 2·ln(10^6).
    for (const x of [0.1, 1, 10, 50]) assert.ok(Math.abs(chiSquareSurvival(2, x) - Math.exp(-x / 2)) < 1e-12);
    assert.ok(Math.abs(chiSquareCriticalValue(2, 1e-6) - 2 * Math.log(1e6)) < 1e-6);
    // χ²(0.999, 10) = 29.588 and χ²(0.99, 60) = 88.379 (standard tables).
    assert.ok(Math.abs(chiSquareCriticalValue(10, 1e-3) - 29.588) < 0.01);
    assert.ok(Math.abs(chiSquareCriticalValue(60, 1e-2) - 88.379) < 0.01);
  });

  test('base62 characters are uniform over 10^6 draws', () => {
    const result = isUniform(randomString(BASE62_ALPHABET, SAMPLE), BASE62_ALPHABET);
    assert.ok(result.uniform, `χ² = ${result.statistic} > ${result.critical}`);
  });

  test('hex characters are uniform over 10^6 draws', () => {
    const hex = '0123456789abcdef';
    const result = isUniform(randomString(hex, SAMPLE), hex);
    assert.ok(result.uniform, `χ² = ${result.statistic} > ${result.critical}`);
  });

  test('negative control: a `byte % 62` generator fails the same test', () => {
    const result = isUniform(moduloBiased(BASE62_ALPHABET, SAMPLE), BASE62_ALPHABET);
    assert.ok(!result.uniform, `χ² = ${result.statistic} should exceed ${result.critical}`);
  });

  test('bad arguments are a RangeError', () => {
    assert.throws(() => randomString('a', 4), RangeError);
    assert.throws(() => randomString('aab', 4), RangeError);
    assert.throws(() => randomString('x'.repeat(257), 4), RangeError);
    assert.throws(() => randomString(BASE62_ALPHABET, -1), RangeError);
    assert.throws(() => randomString(BASE62_ALPHABET, 2.5), RangeError);
    assert.equal(randomString(BASE62_ALPHABET, 0), '');
  });

  test('rejection sampling discards the biased bytes, and only those', () => {
    // 256 % 62 = 8: bytes 248..255 must be skipped; 0..247 map to byte % 62.
    const fed = Uint8Array.from([248, 255, 0, 61, 62, 247]);
    let calls = 0;
    const source = (n: number) => (calls++ === 0 ? fed : new Uint8Array(n));
    assert.equal(randomString(BASE62_ALPHABET, 4, source), `0z0${BASE62_ALPHABET[247 % 62]}`);
  });
});
