/**
 * Credentials inside free text.
 *
 * - `findCredentials` (leak scanners): checksum-valid credentials standing alone, i.e. not
 *   glued to a word character on either side, so a longer base62 run is never reported. A
 *   random credential-shaped string passes the checksum with probability about 2^-32.
 * - `redactCredentials` (log scrubbing) errs the other way: every credential-shaped substring
 *   is masked, checksum valid or not (a mistyped key is still a secret), wherever it sits
 *   (`%22sk-…` in a URL-encoded query, `\nsk-…` in escaped JSON). A longer run of the alphabet
 *   after the body is swallowed and replaced whole by the placeholder.
 */
import { type CredentialKind, FORMATS } from './kinds.js';
import { maskCredential } from './mask.js';
import { parseCredential } from './parse.js';

export interface FoundCredential {
  kind: CredentialKind;
  value: string;
  index: number;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const WORD = '[0-9A-Za-z_]';

/** Standalone credential-shaped runs; matches of one kind never overlap another's. */
const STANDALONE = new RegExp(
  FORMATS.map((f) => `(?<!${WORD})${escape(f.prefix)}[${escape(f.alphabet)}]{${f.bodyLength}}(?!${WORD})`).join('|'),
  'g',
);

/** Every credential-shaped substring, extended over any further alphabet characters. */
const SHAPED = new RegExp(FORMATS.map((f) => `${escape(f.prefix)}[${escape(f.alphabet)}]{${f.bodyLength},}`).join('|'), 'g');

export function findCredentials(text: string): FoundCredential[] {
  const found: FoundCredential[] = [];
  for (const match of text.matchAll(STANDALONE)) {
    const parsed = parseCredential(match[0]);
    if (parsed) found.push({ kind: parsed.kind, value: match[0], index: match.index });
  }
  return found;
}

export function redactCredentials(text: string): string {
  // A longer run is not credential-shaped, so its mask is the placeholder: nothing shows.
  return text.replace(SHAPED, (match) => maskCredential(match));
}
