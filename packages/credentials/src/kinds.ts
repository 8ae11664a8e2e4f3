/**
 * The credential formats (interface contract §1), one descriptor per kind. Adding a kind is
 * adding one entry to `DESCRIPTORS`: the `CredentialKind` type, generation, parsing, masking
 * and scanning are all derived from it.
 *
 * Invariants of the table (checked by kinds.test.ts):
 * - no prefix is a prefix of another and prefixes differ in length + body length, so at most
 *   one kind can claim a given string;
 * - alphabets are ASCII, without duplicates, and the checksum encoder's output lies in the
 *   kind's alphabet with exactly `checksumLength` characters.
 */
import { BASE62_ALPHABET } from './base62.js';
import { base62Checksum, type ChecksumEncoder, hexChecksum } from './checksum.js';

export const HEX_ALPHABET = '0123456789abcdef';

export interface CredentialDescriptor {
  prefix: string;
  /** Every body character (random part and checksum) is drawn from this alphabet. */
  alphabet: string;
  /** Random characters right after the prefix. */
  randomLength: number;
  /** Checksum characters after the random part: the CRC32 of prefix + random part. */
  checksumLength: number;
  encodeChecksum: ChecksumEncoder;
}

const DESCRIPTORS = {
  api_key: {
    prefix: 'sk-',
    alphabet: BASE62_ALPHABET,
    randomLength: 26,
    checksumLength: 6,
    encodeChecksum: base62Checksum(6),
  },
  personal_access_token: {
    prefix: 'sk_pat_',
    alphabet: HEX_ALPHABET,
    randomLength: 56, // 224 bits
    checksumLength: 8,
    encodeChecksum: hexChecksum(8),
  },
} satisfies Record<string, CredentialDescriptor>;

export type CredentialKind = keyof typeof DESCRIPTORS;

/** A descriptor with what every hot path needs precomputed. */
export interface CredentialFormat extends CredentialDescriptor {
  kind: CredentialKind;
  /** Body length: random part + checksum. */
  bodyLength: number;
  /** Whole credential length: prefix + body. */
  length: number;
  /** `allowed[charCode]` is 1 for characters of the alphabet; only ASCII codes are present. */
  allowed: Uint8Array;
}

function compile(kind: CredentialKind, descriptor: CredentialDescriptor): CredentialFormat {
  const allowed = new Uint8Array(128);
  for (let i = 0; i < descriptor.alphabet.length; i++) allowed[descriptor.alphabet.charCodeAt(i)] = 1;
  const bodyLength = descriptor.randomLength + descriptor.checksumLength;
  return { ...descriptor, kind, bodyLength, length: descriptor.prefix.length + bodyLength, allowed };
}

/** Longest prefix first, so a scanner's alternation prefers the most specific kind. */
export const FORMATS: readonly CredentialFormat[] = (Object.keys(DESCRIPTORS) as CredentialKind[])
  .map((kind) => compile(kind, DESCRIPTORS[kind]))
  .sort((a, b) => b.prefix.length - a.prefix.length);

const BY_KIND = new Map(FORMATS.map((format) => [format.kind, format]));

export function formatOf(kind: CredentialKind): CredentialFormat {
  const format = BY_KIND.get(kind);
  if (!format) throw new TypeError(`unknown credential kind: ${String(kind)}`);
  return format;
}

/** Prefix, exact length and alphabet are right (the checksum is not looked at). */
export function hasShape(value: string, format: CredentialFormat): boolean {
  if (value.length !== format.length || !value.startsWith(format.prefix)) return false;
  for (let i = format.prefix.length; i < value.length; i++) {
    if (format.allowed[value.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** The format whose shape `value` has, if any. Never throws; rejects by length first. */
export function shapeOf(value: unknown): CredentialFormat | undefined {
  if (typeof value !== 'string') return undefined;
  for (const format of FORMATS) if (hasShape(value, format)) return format;
  return undefined;
}
