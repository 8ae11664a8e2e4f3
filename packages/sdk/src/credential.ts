/**
 * Local checks of a credential before it is sent anywhere. A malformed key or token (prefix,
 * length, alphabet or CRC32 checksum, as `@skytells/credentials` defines them) is refused
 * here, so a typo costs no round trip and a wrong string is never sent to the server.
 *
 * Invariant: the refusal names what was expected, never the value presented, so logging the
 * error cannot leak even a nearly-right secret.
 */
import { type CredentialKind, parseCredential } from '@skytells/credentials';
import { SkytellsError } from './errors.js';

const NOUN: Record<CredentialKind, string> = { api_key: 'API key', personal_access_token: 'personal access token' };

/** The kind of `value`, or a SkytellsError (INVALID_CREDENTIAL, status 0) when it is not an acceptable credential. */
export function checkCredential(value: string, accepted: readonly CredentialKind[]): CredentialKind | SkytellsError {
  const parsed = parseCredential(value);
  if (parsed !== null && accepted.includes(parsed.kind)) return parsed.kind;
  const wanted = accepted.map((kind) => `a ${NOUN[kind]}`).join(' or ');
  return new SkytellsError(
    `The credential given is not ${wanted}: no request was sent`,
    'INVALID_CREDENTIAL',
    parsed === null
      ? 'Its prefix, length or checksum is wrong: check it was copied whole (API keys are sk- and 32 characters, tokens sk_pat_ and 64 hex digits)'
      : `It is ${/^[aeiou]/i.test(NOUN[parsed.kind]) ? 'an' : 'a'} ${NOUN[parsed.kind]}, which this client does not use`,
    0,
  );
}

/** Headers that present a credential of `kind`: `x-api-key` for keys, Bearer for tokens. */
export function credentialHeaders(value: string, kind: CredentialKind): Record<string, string> {
  return kind === 'api_key' ? { 'x-api-key': value } : { authorization: `Bearer ${value}` };
}
