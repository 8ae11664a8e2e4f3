/** Public object ids: a type prefix and 24 characters. */
import { BASE62_ALPHABET, randomString } from '@skytells/credentials';

export type IdPrefix = 'acct' | 'sess' | 'key' | 'aud' | 'att' | 'sdev' | 'inv' | 'pred' | 'tok' | 'ntf' | 'dev';

/** 24 random base62 characters (about 143 bits): for ids that must not be guessable. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(BASE62_ALPHABET, 24)}`;
}
