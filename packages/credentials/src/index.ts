/**
 * @skytells/credentials: the one module that generates, parses, checksums, masks, hashes and
 * finds Skytells credentials; the server, SDK and CLI scanner all use it. No dependencies
 * beyond Node's own `node:crypto` (random generation and hashing); parsing, checksums and masks
 * are plain JavaScript, so they also run in browsers, Deno and edge runtimes.
 */
export { BASE62_ALPHABET } from './base62.js';
export { generateApiKey, generateCredential, generatePersonalAccessToken } from './generate.js';
export { hashCredential } from './hash.js';
export { type CredentialFormat, type CredentialKind, FORMATS } from './kinds.js';
export { maskCredential } from './mask.js';
export { isCredential, type ParsedCredential, parseCredential } from './parse.js';
export { randomString } from './random.js';
export { type FoundCredential, findCredentials, redactCredentials } from './scan.js';
