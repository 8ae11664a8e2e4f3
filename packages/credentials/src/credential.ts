/**
 * Generate, parse, mask and hash credentials.
 *
 * Invariants:
 * - `parseCredential` accepts a string only when prefix, exact length, alphabet and CRC32
 *   checksum are all right, and never throws: it runs on every request, before any I/O.
 * - A mask shows the prefix, the first 4 and last 4 characters of the body, never more.
 * - Only the SHA-256 hash identifies a credential in storage.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { FORMATS, bodyLength, formatOf, type CredentialFormat, type CredentialKind } from './kinds.js';
import { randomString } from './random.js';

export interface ParsedCredential {
  kind: CredentialKind;
  prefix: string;
  body: string;
}

const checksumOf = (format: CredentialFormat, prefixAndRandom: string): string =>
  format.encodeChecksum(crc32(prefixAndRandom) >>> 0);

export function generateCredential(kind: CredentialKind): string {
  const format = formatOf(kind);
  const head = format.prefix + randomString(format.alphabet, format.randomLength);
  return head + checksumOf(format, head);
}

export const generateApiKey = (): string => generateCredential('api_key');
export const generatePersonalAccessToken = (): string => generateCredential('personal_access_token');

function inAlphabet(text: string, alphabet: string): boolean {
  for (let i = 0; i < text.length; i++) if (!alphabet.includes(text[i]!)) return false;
  return true;
}

export function parseCredential(value: string): ParsedCredential | null {
  if (typeof value !== 'string') return null;
  for (const format of FORMATS) {
    if (value.length !== format.prefix.length + bodyLength(format) || !value.startsWith(format.prefix)) continue;
    const body = value.slice(format.prefix.length);
    if (!inAlphabet(body, format.alphabet)) return null;
    const head = value.slice(0, format.prefix.length + format.randomLength);
    if (checksumOf(format, head) !== value.slice(head.length)) return null;
    return { kind: format.kind, prefix: format.prefix, body };
  }
  return null;
}

export function isCredential(value: string, kind?: CredentialKind): boolean {
  const parsed = parseCredential(value);
  return parsed !== null && (kind === undefined || parsed.kind === kind);
}

/** `sk-AbCd…wXyZ`. Anything not credential-shaped becomes a placeholder that reveals nothing. */
export function maskCredential(value: string): string {
  for (const format of FORMATS) {
    if (value.length === format.prefix.length + bodyLength(format) && value.startsWith(format.prefix)) {
      const body = value.slice(format.prefix.length);
      return `${format.prefix}${body.slice(0, 4)}…${body.slice(-4)}`;
    }
  }
  return '[redacted]';
}

export function hashCredential(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
