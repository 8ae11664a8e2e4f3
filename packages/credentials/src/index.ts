/**
 * @skytells/credentials: the one module that generates, parses, checksums, masks, hashes
 * and finds Skytells credentials. Used by the server, the SDK and the CLI's scanner.
 * Zero dependencies beyond Node's own `node:crypto` and `node:zlib`.
 */
export { BASE62_ALPHABET } from './base62.js';
export { randomString } from './random.js';
export type { CredentialKind } from './kinds.js';
export {
  generateCredential,
  generateApiKey,
  generatePersonalAccessToken,
  parseCredential,
  isCredential,
  maskCredential,
  hashCredential,
  type ParsedCredential,
} from './credential.js';
export { findCredentials, redactCredentials, type FoundCredential } from './scan.js';
