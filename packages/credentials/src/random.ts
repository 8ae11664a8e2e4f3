/**
 * Uniform random strings over any alphabet of at most 256 characters.
 *
 * Invariant: no modulo bias. A byte is used only when it falls below the largest multiple
 * of the alphabet size that fits in a byte; other bytes are discarded and redrawn.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

export function randomString(
  alphabet: string,
  length: number,
  randomBytes: (n: number) => Uint8Array = cryptoRandomBytes,
): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) throw new RangeError('alphabet must have 2 to 256 characters');
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    // Draw a little extra to cover rejections; the loop tops up when that is not enough.
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.3) + 4);
    for (const byte of bytes) {
      if (byte >= limit) continue;
      out += alphabet[byte % size];
      if (out.length === length) break;
    }
  }
  return out;
}
