/**
 * Detection: where in a buffer our credentials are, written plainly or inside an encoding.
 *
 * Fast path first: a buffer is searched in one pass for a short list of literal needles, every
 * way a credential's prefix can be spelled in a supported encoding (`findNeedles`). Only around a
 * needle is text decoded and checked (`detectAt`), so a buffer without one costs one pass and
 * nothing else. The two halves are apart so that a history scan can search only a delta's new
 * bytes and carry the needles of what it copies from its base (git.ts).
 *
 * Invariant: a detection is reported only when `parseCredential` accepts it (prefix, exact
 * length, alphabet and CRC32 checksum), so look-alikes (one character changed, other vendors'
 * `sk-…` strings, random strings of the same shape) are never reported: a random string passes
 * with probability 2^-32. A credential glued to a further word character is part of a longer
 * run, not ours, and is skipped.
 */
import { type CredentialFormat, FORMATS, parseCredential } from '@skytells/credentials';

/** How the credential was written where it was found. */
export type Encoding = 'plain' | 'json-escape' | 'percent' | 'base64';

export interface Detection {
  /** The credential itself: kept in memory only, never printed (mask it). */
  value: string;
  kind: CredentialFormat['kind'];
  encoding: Encoding;
  /** Byte offset of the needle that led to it. */
  offset: number;
  /** 1-based line of `offset`. */
  line: number;
}

const WORD = /[0-9A-Za-z_]/;
/** A colour code, raw (ESC, U+001B) or JSON-escaped, right before a credential. */
const ANSI_COLOUR = new RegExp(`(?:${String.fromCharCode(27)}|\\\\u001[bB])\\[[0-9;]*m$`);
const LONGEST = Math.max(...FORMATS.map((f) => f.length));

type NeedleKind = 'plain' | 'percent' | 'unicode' | 'base64';
interface Needle {
  bytes: Buffer;
  kind: NeedleKind;
}

/**
 * The characters of base64(prefix) that do not depend on the bytes around the prefix, for each
 * of the three byte alignments the prefix can have inside the encoded text.
 */
function base64Fragments(prefix: string): string[] {
  const fragments: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encode = (fill: number) => Buffer.concat([Buffer.alloc(shift, fill), Buffer.from(prefix), Buffer.alloc(3, fill)]).toString('base64');
    const low = encode(0);
    const high = encode(255);
    // Character i covers bits 6i..6i+5; it is fixed when they all lie inside the prefix.
    const first = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + prefix.length) * 8) / 6);
    const fragment = low.slice(first, end);
    if (fragment !== high.slice(first, end)) throw new Error('base64 fragment depends on its neighbours');
    fragments.push(fragment);
  }
  return fragments;
}

const NEEDLES: Needle[] = [
  ...FORMATS.map((f) => ({ bytes: Buffer.from(f.prefix), kind: 'plain' as const })),
  // Percent-encoding of the prefix's punctuation or of its first letter, at any depth.
  { bytes: Buffer.from('sk%'), kind: 'percent' },
  { bytes: Buffer.from('%73'), kind: 'percent' },
  { bytes: Buffer.from('%2573'), kind: 'percent' },
  // JSON \u escapes inside the prefix (`sk\u002d…`, `\u0073k-…`).
  { bytes: Buffer.from('sk\\u00'), kind: 'unicode' },
  { bytes: Buffer.from('\\u0073'), kind: 'unicode' },
  ...FORMATS.flatMap((f) => base64Fragments(f.prefix).map((fragment) => ({ bytes: Buffer.from(fragment), kind: 'base64' as const }))),
];

/** The longest needle: a needle not found in a buffer may still end within this many bytes of its end. */
export const LONGEST_NEEDLE = Math.max(...NEEDLES.map((needle) => needle.bytes.length));

/**
 * The one-pass search's tables, by pair of bytes (`first << 8 | second`): the needles that begin
 * with the pair (`STARTS`), and those whose second and third bytes it is (`SECONDS`); `PAIRS`
 * marks the first kind with bit 1 and the second with bit 2. Every needle is at least three
 * bytes long, so a needle at `s` shows its first pair at `s` and its second at `s + 1`: looking
 * at every other position sees one of them.
 */
const STARTS = new Map<number, number[]>();
const SECONDS = new Map<number, number[]>();
const PAIRS = new Uint8Array(1 << 16);
const pairAt = (bytes: Uint8Array, at: number): number => ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
NEEDLES.forEach((needle, index) => {
  if (needle.bytes.length < 3) throw new Error('a needle shorter than three bytes would slip between the pairs looked at');
  for (const [table, at, bit] of [
    [STARTS, 0, 1],
    [SECONDS, 1, 2],
  ] as const) {
    const pair = pairAt(needle.bytes, at);
    PAIRS[pair] = (PAIRS[pair] as number) | bit;
    table.set(pair, [...(table.get(pair) ?? []), index]);
  }
});

/** Adds each of `candidates` (needle indexes) that `buffer` holds at `at`. A plain loop: the needles are a few bytes long. */
function matchAt(buffer: Buffer, at: number, candidates: readonly number[], found: number[]): void {
  for (const index of candidates) {
    const bytes = (NEEDLES[index] as Needle).bytes;
    if (at + bytes.length > buffer.length) continue;
    let j = 0;
    while (j < bytes.length && buffer[at + j] === bytes[j]) j++;
    if (j === bytes.length) found.push(at * NEEDLES.length + index);
  }
}

/**
 * Every needle that starts in `buffer[from, to)` (and fits in the buffer), in order of position,
 * each as one number: `position * NEEDLES.length + needle index`. One pass over every other
 * pair of bytes: text that holds no needle's first or second pair costs one table lookup per
 * two bytes.
 */
export function findNeedles(buffer: Buffer, from = 0, to = buffer.length, found: number[] = []): number[] {
  const last = buffer.length - 1;
  for (let at = from; at <= to && at < last; at += 2) {
    const pair = pairAt(buffer, at);
    const seen = PAIRS[pair] as number;
    if (seen === 0) continue;
    // The second pair of a needle at `at - 1` comes before the first pair of one at `at`: in order.
    if (seen & 2 && at > from) matchAt(buffer, at - 1, SECONDS.get(pair) as number[], found);
    if (seen & 1 && at < to) matchAt(buffer, at, STARTS.get(pair) as number[], found);
  }
  return found;
}

/** The position a `findNeedles` entry stands for. */
export function needlePosition(entry: number): number {
  return Math.floor(entry / NEEDLES.length);
}

/** The same entry moved by `shift` bytes (a needle copied from a delta's base to its target). */
export function shiftNeedle(entry: number, shift: number): number {
  return entry + shift * NEEDLES.length;
}

/**
 * May a credential start right after `before` (the text before it)? Yes after a non-word
 * character, and after an escape that ends in a letter or digit: a JSON or C escape (`\n`),
 * a percent-encoded separator (`%3D`, `%0A`), a terminal colour code (`\u001b[0m`, notebook
 * outputs).
 */
function startBoundary(before: string): Encoding | null {
  if (before === '' || !WORD.test(before.charAt(before.length - 1))) return 'plain';
  if (before.charAt(before.length - 2) === '\\') return 'json-escape';
  if (/%[0-9A-Fa-f]{2}$/.test(before)) return 'percent';
  if (ANSI_COLOUR.test(before)) return 'json-escape';
  return null;
}

/** The credential of some kind at `text[at]`, if its checksum holds and no word character follows it. */
function credentialAt(text: string, at: number): { value: string; kind: CredentialFormat['kind'] } | null {
  for (const format of FORMATS) {
    if (!text.startsWith(format.prefix, at)) continue;
    const end = at + format.length;
    if (end > text.length || WORD.test(text.charAt(end))) continue;
    const parsed = parseCredential(text.slice(at, end));
    if (parsed) return { value: text.slice(at, end), kind: parsed.kind };
  }
  return null;
}

/** Undoes every level of an escape in a run (percent-encoding: `%2D`, `%252D`…; JSON `\u002d`). */
function decodeRun(run: string, pattern: RegExp, radix: number): string {
  for (let text = run; ; ) {
    const decoded = text.replace(pattern, (_, code: string) => String.fromCharCode(Number.parseInt(code, radix)));
    if (decoded === text) return text;
    text = decoded;
  }
}
const PERCENT_RUN = /^(?:%(?:25)*[0-9A-Fa-f]{2}|[0-9A-Za-z_-])+/;
const UNICODE_RUN = /^(?:\\u[0-9A-Fa-f]{4}|[0-9A-Za-z_-])+/;
const BASE64_CHARS = /^[A-Za-z0-9+/]+/;
/** Enough text after a needle for the longest credential in the deepest encoding we follow. */
const RUN_WINDOW = LONGEST * 10;

/** The credentials in a buffer. */
export function detect(buffer: Buffer): Detection[] {
  return detectAt(buffer, findNeedles(buffer));
}

/**
 * The credentials the `needles` of `buffer` (from `findNeedles`) lead to. Each
 * needle's answer depends only on the buffer's bytes around it, so any complete list of the
 * buffer's needles gives the same detections.
 */
export function detectAt(buffer: Buffer, needles: readonly number[]): Detection[] {
  if (needles.length === 0) return [];
  const found = new Map<string, Detection>();
  const add = (value: string, kind: Detection['kind'], encoding: Encoding, offset: number) => {
    const key = `${offset}:${value}`;
    if (!found.has(key)) found.set(key, { value, kind, encoding, offset, line: 0 });
  };
  const textAt = (start: number, end: number) => buffer.toString('latin1', Math.max(0, start), Math.min(buffer.length, end));

  for (const entry of needles) {
    const at = needlePosition(entry);
    const needle = NEEDLES[entry % NEEDLES.length] as Needle;
    const before = textAt(at - 16, at);
    if (needle.kind === 'plain') {
      const encoding = startBoundary(before);
      const hit = encoding && credentialAt(textAt(at, at + LONGEST + 1), 0);
      if (encoding && hit) add(hit.value, hit.kind, encoding, at);
    } else if (needle.kind === 'percent' || needle.kind === 'unicode') {
      if (!startBoundary(before)) continue;
      const [pattern, escaped, radix] =
        needle.kind === 'percent' ? [PERCENT_RUN, /%([0-9A-Fa-f]{2})/g, 16] : [UNICODE_RUN, /\\u([0-9A-Fa-f]{4})/g, 16];
      const run = pattern.exec(textAt(at, at + RUN_WINDOW))?.[0] ?? '';
      const hit = credentialAt(decodeRun(run, escaped, radix), 0);
      if (hit) add(hit.value, hit.kind, needle.kind === 'percent' ? 'percent' : 'json-escape', at);
    } else {
      // The fragment sits at one of four character alignments of its base64 run: decode
      // the neighbourhood at each and look for a credential in what comes out.
      const windowStart = Math.max(0, at - 8);
      const window = textAt(windowStart, at + Math.ceil((LONGEST + 8) / 3) * 4 + 8);
      let runStart = at - windowStart;
      while (runStart > 0 && BASE64_CHARS.test(window.charAt(runStart - 1))) runStart--;
      for (let shift = 0; shift < 4; shift++) {
        const chars = BASE64_CHARS.exec(window.slice(runStart + shift))?.[0] ?? '';
        // Node decodes a trailing partial group too, so a credential at the end of a run is kept.
        const decoded = Buffer.from(chars, 'base64').toString('latin1');
        for (const format of FORMATS) {
          for (let p = decoded.indexOf(format.prefix); p !== -1; p = decoded.indexOf(format.prefix, p + 1)) {
            const hit = credentialAt(decoded, p);
            if (hit) add(hit.value, hit.kind, 'base64', at);
          }
        }
      }
    }
  }
  return withLines(buffer, withoutRepeats([...found.values()].sort((a, b) => a.offset - b.offset)));
}

/** One base64 run yields its credential through several fragments: keep the first of each nearby group. */
function withoutRepeats(detections: Detection[]): Detection[] {
  const lastBase64 = new Map<string, number>();
  return detections.filter((detection) => {
    if (detection.encoding !== 'base64') return true;
    const previous = lastBase64.get(detection.value);
    lastBase64.set(detection.value, detection.offset);
    return previous === undefined || detection.offset - previous > RUN_WINDOW;
  });
}

/** Sets each detection's 1-based line (detections sorted by offset). */
function withLines(buffer: Buffer, detections: Detection[]): Detection[] {
  let line = 1;
  let counted = 0;
  for (const detection of detections) {
    for (let nl = buffer.indexOf(10, counted); nl !== -1 && nl < detection.offset; nl = buffer.indexOf(10, nl + 1)) {
      line++;
      counted = nl + 1;
    }
    detection.line = line;
  }
  return detections;
}
