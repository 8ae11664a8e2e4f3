/**
 * Base62 over the alphabet 0-9, A-Z, a-z, in that order: digit value = index in the alphabet.
 * Numerals are written most significant digit first.
 */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `value` (a non-negative safe integer) in base62, left-padded with `0` to at least `width` digits. */
export function encodeBase62(value: number, width: number): string {
  let rest = value;
  let digits = '';
  do {
    digits = BASE62_ALPHABET.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return digits.padStart(width, '0');
}
