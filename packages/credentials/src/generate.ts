/**
 * Credential generation: prefix + CSPRNG random part (unbiased) + checksum of both.
 * Invariant: everything generated here is accepted by `parseCredential` as its kind.
 */
import { crc32Of } from './checksum.js';
import { type CredentialKind, formatOf } from './kinds.js';
import { randomString } from './random.js';

export function generateCredential(kind: CredentialKind): string {
  const format = formatOf(kind);
  const head = format.prefix + randomString(format.alphabet, format.randomLength);
  return head + format.encodeChecksum(crc32Of(head));
}

export const generateApiKey = (): string => generateCredential('api_key');
export const generatePersonalAccessToken = (): string => generateCredential('personal_access_token');
