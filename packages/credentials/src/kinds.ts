/**
 * One descriptor per credential kind (INTERFACE §1). Adding a kind is adding an entry here:
 * generation, parsing, masking and scanning all read this table.
 */
import { BASE62_ALPHABET, toBase62 } from './base62.js';

export type CredentialKind = 'api_key' | 'personal_access_token';

export interface CredentialFormat {
  kind: CredentialKind;
  prefix: string;
  alphabet: string;
  /** Random characters after the prefix. */
  randomLength: number;
  /** Checksum characters after the random ones. */
  checksumLength: number;
  /** Encodes the CRC32 of prefix + random part as exactly `checksumLength` characters. */
  encodeChecksum(crc: number): string;
}

const HEX_ALPHABET = '0123456789abcdef';

export const FORMATS: readonly CredentialFormat[] = [
  {
    kind: 'personal_access_token',
    prefix: 'sk_pat_',
    alphabet: HEX_ALPHABET,
    randomLength: 56,
    checksumLength: 8,
    encodeChecksum: (crc) => crc.toString(16).padStart(8, '0'),
  },
  {
    kind: 'api_key',
    prefix: 'sk-',
    alphabet: BASE62_ALPHABET,
    randomLength: 26,
    checksumLength: 6,
    encodeChecksum: (crc) => toBase62(crc).padStart(6, '0'),
  },
];

export function formatOf(kind: CredentialKind): CredentialFormat {
  return FORMATS.find((f) => f.kind === kind)!;
}

export const bodyLength = (format: CredentialFormat): number => format.randomLength + format.checksumLength;
