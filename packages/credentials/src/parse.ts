/**
 * Credential validation. Runs on every request before any I/O, so it is cheap and total:
 * it never throws, whatever the input, and rejects by length before reading characters
 * (a 1 MB header costs one comparison per kind).
 *
 * Invariant: a string is accepted only when prefix, exact length, alphabet and checksum are
 * all right.
 */
import { crc32Of } from './checksum.js';
import { type CredentialKind, shapeOf } from './kinds.js';

export interface ParsedCredential {
  kind: CredentialKind;
  prefix: string;
  body: string;
}

export function parseCredential(value: string): ParsedCredential | null {
  const format = shapeOf(value);
  if (!format) return null;
  const checksumAt = format.prefix.length + format.randomLength;
  if (format.encodeChecksum(crc32Of(value.slice(0, checksumAt))) !== value.slice(checksumAt)) return null;
  return { kind: format.kind, prefix: format.prefix, body: value.slice(format.prefix.length) };
}

export function isCredential(value: string, kind?: CredentialKind): boolean {
  const parsed = parseCredential(value);
  return parsed !== null && (kind === undefined || parsed.kind === kind);
}
