/**
 * Uniform random strings over an alphabet of 2 to 256 distinct characters.
 *
 * Invariant: no modulo bias. A byte is used only when it falls below the largest multiple of
 * the alphabet size that fits in a byte (rejection sampling); other bytes are discarded, so
 * every character has probability exactly 1/size.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

export function randomString(alphabet: string, length: number, randomBytes: (n: number) => Uint8Array = cryptoRandomBytes): string {
  const size = alphabet.length;
  if (size < 2 || size > 256 || new Set(alphabet).size !== size) {
    throw new RangeError('alphabet must have 2 to 256 distinct characters');
  }
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    // Draw a little extra to cover rejections (at most 8/256 for base62); top up if short.
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.1) + 8);
    for (const byte of bytes) {
      if (out.length === length) break;
      if (byte < limit) out += alphabet.charAt(byte % size);
    }
  }
  return out;
}
