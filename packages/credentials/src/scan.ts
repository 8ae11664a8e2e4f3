/**
 * Finding credentials in text: for leak scanners (only checksum-valid matches count, so a
 * random string is reported with probability 2^-32) and for scrubbing logs (every
 * credential-shaped run is masked, valid or not: a mistyped key is still a secret).
 */
import { FORMATS, bodyLength, type CredentialKind } from './kinds.js';
import { maskCredential, parseCredential } from './credential.js';

export interface FoundCredential {
  kind: CredentialKind;
  value: string;
  index: number;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const charClass = (alphabet: string) => `[${escape(alphabet)}]`;

/** Credential-shaped runs, not glued to a longer run of word characters on either side. */
const SHAPED = new RegExp(
  FORMATS.map((f) => `(?<![A-Za-z0-9_-])${escape(f.prefix)}${charClass(f.alphabet)}{${bodyLength(f)}}(?![A-Za-z0-9_])`).join('|'),
  'g',
);

export function findCredentials(text: string): FoundCredential[] {
  const found: FoundCredential[] = [];
  for (const match of text.matchAll(SHAPED)) {
    const parsed = parseCredential(match[0]);
    if (parsed) found.push({ kind: parsed.kind, value: match[0], index: match.index });
  }
  return found;
}

export function redactCredentials(text: string): string {
  return text.replace(SHAPED, (match) => maskCredential(match));
}
