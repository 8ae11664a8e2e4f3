/**
 * Credential checksums: CRC32 (IEEE 802.3, as `zlib.crc32` computes it) of the ASCII string
 * prefix + random part, written as a fixed-width numeral.
 *
 * Invariant: every encoder returns exactly `width` characters for every CRC in [0, 2^32), so a
 * checksum field never changes the length of a credential. CRC32 detects every single-symbol
 * substitution in these short strings, so a typo always fails validation.
 *
 * The CRC is computed in plain JavaScript over the string's UTF-8 bytes (what zlib hashes for a
 * string), with no Node built-in, so the SDK can validate credentials offline in browsers, Deno
 * and edge runtimes too.
 */
import { encodeBase62 } from './base62.js';

/** Turns an unsigned 32-bit CRC into the checksum characters of a credential. */
export type ChecksumEncoder = (crc: number) => string;

/** The byte-at-a-time table of the reflected IEEE polynomial 0xEDB88320. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const utf8 = new TextEncoder();

/** CRC32 of a string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function crc32Of(text: string): number {
  let crc = 0xffffffff;
  for (const byte of utf8.encode(text)) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62, most significant digit first; 6 digits hold any CRC32 (62^6 > 2^32). */
export const base62Checksum =
  (width: number): ChecksumEncoder =>
  (crc) =>
    encodeBase62(crc, width);

/** Lowercase hexadecimal; 8 digits hold any CRC32. */
export const hexChecksum =
  (width: number): ChecksumEncoder =>
  (crc) =>
    crc.toString(16).padStart(width, '0');
