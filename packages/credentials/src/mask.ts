/**
 * The display form of a secret.
 *
 * Invariant: a mask reveals the prefix and at most 8 body characters (first 4, last 4) of a
 * credential-shaped string (prefix, exact length, alphabet), and nothing at all of any other
 * input: never echo input that is not credential-shaped.
 */
import { shapeOf } from './kinds.js';

/** What `maskCredential` returns for anything not credential-shaped. */
export const REDACTED = '[redacted]';

/** `sk-AbCd…wXyZ`, `sk_pat_0a1b…9f8e`; checksum validity does not matter. */
export function maskCredential(value: string): string {
  const format = shapeOf(value);
  if (!format) return REDACTED;
  const body = value.slice(format.prefix.length);
  return `${format.prefix}${body.slice(0, 4)}\u2026${body.slice(-4)}`;
}
