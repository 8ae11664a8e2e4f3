/**
 * The stored form of a secret: storage keeps and looks up this hash, never the credential.
 * Invariant: deterministic and unsalted, so a lookup by hash is one index probe; that is safe
 * because every credential carries at least 154 random bits (26 base62 characters).
 */
import { hash } from 'node:crypto';

/** Lowercase hex SHA-256 of the whole credential string (prefix included). */
export function hashCredential(value: string): string {
  // One-shot `hash` (Node 20.12+): no Hash object per call, on the verify path of every request.
  return hash('sha256', value, 'hex');
}
