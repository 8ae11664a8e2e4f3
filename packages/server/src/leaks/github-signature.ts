/**
 * GitHub secret-scanning partner reports: GitHub signs the raw request body with ECDSA P-256
 * over SHA-256 and names its key in `Github-Public-Key-Identifier`; the DER signature comes
 * base64-encoded in `Github-Public-Key-Signature`.
 *
 * Invariant: a report is accepted only when the signature over the exact bytes received
 * verifies under a configured key; any other case (no header, unknown key, tampered body,
 * malformed signature) is the same refusal, and nothing in the body is acted upon.
 */
import { verify } from 'node:crypto';

export const GITHUB_KEY_ID_HEADER = 'github-public-key-identifier';
export const GITHUB_SIGNATURE_HEADER = 'github-public-key-signature';

export function verifyGithubSignature(
  rawBody: string,
  keyId: string | undefined,
  signature: string | undefined,
  keys: ReadonlyMap<string, string>,
): boolean {
  if (!keyId || !signature) return false;
  const pem = keys.get(keyId);
  if (pem === undefined) return false;
  try {
    return verify('sha256', Buffer.from(rawBody), { key: pem, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
