/**
 * Credential checksums: CRC32 (IEEE 802.3, as `zlib.crc32` computes it) of the ASCII string
 * prefix + random part, written as a fixed-width numeral.
 *
 * Invariant: every encoder returns exactly `width` characters for every CRC in [0, 2^32), so a
 * checksum field never changes the length of a credential. CRC32 detects every single-symbol
 * substitution in these short strings, so a typo always fails validation.
 */
import { crc32 } from 'node:zlib';
import { encodeBase62 } from './base62.js';

/** Turns an unsigned 32-bit CRC into the checksum characters of a credential. */
export type ChecksumEncoder = (crc: number) => string;

/** CRC32 of an ASCII string, as an unsigned 32-bit integer. */
export const crc32Of = (text: string): number => crc32(text) >>> 0;

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
