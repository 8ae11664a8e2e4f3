/** Public object ids: a type prefix and 24 random base62 characters (about 143 bits). */
import { BASE62_ALPHABET, randomString } from '@skytells/credentials';

export type IdPrefix = 'acct' | 'sess' | 'key' | 'aud' | 'fail' | 'inv' | 'pred' | 'evt';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(BASE62_ALPHABET, 24)}`;
}
