/**
 * Text that a user must judge before approving (the client name on the device-approval
 * page) has to look like what it is. Refused in it:
 * - controls (Cc) and format characters (Cf): the bidirectional embeddings, overrides and
 *   isolates U+202A–202E and U+2066–2069, the marks U+200E/U+200F, the zero-width U+200B–200D,
 *   U+2060 and U+FEFF, the soft hyphen, and the rest of them;
 * - lone surrogates (Cs), line and paragraph separators (Zl, Zp);
 * - the Hangul fillers, letters that render as blank space.
 */
const DISGUISING = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;

/** Pure: true when `text` holds none of the characters above. */
export const isPlainDisplayText = (text: string): boolean => !DISGUISING.test(text);
