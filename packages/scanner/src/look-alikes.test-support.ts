/** Strings a scanner must never report: near-misses of our credentials and other vendors' `sk-` keys. */
import { BASE62_ALPHABET, generateApiKey, generatePersonalAccessToken, randomString } from '@skytells/credentials';

const HEX = '0123456789abcdef';

/** The same credential with one character changed (inside its alphabet): the checksum fails. */
export function oneCharacterChanged(value: string, alphabet: string): string {
  const at = value.length - 1 - Math.floor(Math.random() * 20);
  const current = value.charAt(at);
  const replacement = alphabet.charAt((alphabet.indexOf(current) + 1) % alphabet.length);
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

export function lookAlikes(): string[] {
  return [
    oneCharacterChanged(generateApiKey(), BASE62_ALPHABET),
    oneCharacterChanged(generatePersonalAccessToken(), HEX),
    `sk-${randomString(BASE62_ALPHABET, 32)}`, // random base62 of the same length
    `sk_pat_${randomString(HEX, 64)}`,
    `sk-proj-${randomString(BASE62_ALPHABET, 48)}T3BlbkFJ${randomString(BASE62_ALPHABET, 20)}`, // OpenAI project key
    `sk-ant-api03-${randomString(BASE62_ALPHABET, 93)}-${randomString(BASE62_ALPHABET, 6)}AA`, // Anthropic
    `sk-${randomString(HEX, 32)}`, // DeepSeek-style
    `sk-or-v1-${randomString(HEX, 64)}`, // OpenRouter
    `sk-lf-${crypto.randomUUID()}`, // Langfuse
    randomString(BASE62_ALPHABET, 35),
  ];
}
