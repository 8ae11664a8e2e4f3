/**
 * Credentials inside free text.
 *
 * - `findCredentials` (leak scanners): checksum-valid credentials standing alone, i.e. not
 *   glued to a word character on either side, so a longer base62 run is never reported. A
 *   random credential-shaped string passes the checksum with probability about 2^-32.
 * - `redactCredentials` (log and storage scrubbing) errs the other way: every
 *   credential-shaped substring is masked, checksum valid or not (a mistyped key is still a
 *   secret), wherever it sits (`%22sk-…` in a URL-encoded query, `\nsk-…` in escaped JSON),
 *   and in whatever percent-encoding it hides: any of its characters may be written as
 *   `%XX`, `%25XX` (double-encoded) or deeper, hex digits in either case (`sk%2D…`,
 *   `%73k%252d…`). A `+` (a space in a form-encoded query) is not part of any credential's
 *   alphabet, so it ends a run exactly as a space would. A longer run of the alphabet after
 *   the body is swallowed and replaced whole by the placeholder.
 */
import { type CredentialKind, FORMATS } from './kinds.js';
import { maskCredential } from './mask.js';
import { parseCredential } from './parse.js';

export interface FoundCredential {
  kind: CredentialKind;
  value: string;
  index: number;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const WORD = '[0-9A-Za-z_]';

/** Standalone credential-shaped runs; matches of one kind never overlap another's. */
const STANDALONE = new RegExp(
  FORMATS.map((f) => `(?<!${WORD})${escapeRegExp(f.prefix)}[${escapeRegExp(f.alphabet)}]{${f.bodyLength}}(?!${WORD})`).join('|'),
  'g',
);

/** Both spellings of one hex digit (0-15) inside a character class. */
const hexDigit = (nibble: number): string => {
  const digit = nibble.toString(16);
  return digit === digit.toUpperCase() ? digit : `${digit}${digit.toUpperCase()}`;
};

/**
 * One character of `chars`, written as itself or percent-encoded at any depth: `%2D`,
 * `%252D`, `%25252d`… (each `%25` is one more level of encoding of the `%`).
 */
function encodedCharacter(chars: string): string {
  const lowNibbles = new Map<number, Set<number>>();
  for (const char of chars) {
    const code = char.charCodeAt(0);
    const lows = lowNibbles.get(code >> 4) ?? new Set<number>();
    lows.add(code & 15);
    lowNibbles.set(code >> 4, lows);
  }
  const encoded = [...lowNibbles].map(([high, lows]) => `[${hexDigit(high)}][${[...lows].map(hexDigit).join('')}]`);
  return `(?:[${escapeRegExp(chars)}]|%(?:25)*(?:${encoded.join('|')}))`;
}

/** Every credential-shaped substring in any percent-encoding, extended over further alphabet characters. */
const SHAPED = new RegExp(
  FORMATS.map((f) => `${[...f.prefix].map(encodedCharacter).join('')}${encodedCharacter(f.alphabet)}{${f.bodyLength},}`).join('|'),
  'g',
);

const PREFIXES = FORMATS.map((f) => f.prefix);

/** Undoes every level of percent-encoding of a run SHAPED matched (it holds nothing but `%`, hex and the alphabet). */
function decodeRun(run: string): string {
  for (let text = run; ; ) {
    const decoded = text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (decoded === text) return text;
    text = decoded;
  }
}

export function findCredentials(text: string): FoundCredential[] {
  const found: FoundCredential[] = [];
  for (const match of text.matchAll(STANDALONE)) {
    const parsed = parseCredential(match[0]);
    if (parsed) found.push({ kind: parsed.kind, value: match[0], index: match.index });
  }
  return found;
}

export function redactCredentials(text: string): string {
  // A credential is its prefix spelled out, or has a "%" in it: text with neither holds
  // no credential, and is returned without a regular-expression scan.
  if (!text.includes('%') && !PREFIXES.some((prefix) => text.includes(prefix))) return text;
  // The mask is of the decoded run: a longer run is not credential-shaped, so its mask is
  // the placeholder and nothing shows.
  return text.replace(SHAPED, (match) => maskCredential(decodeRun(match)));
}
