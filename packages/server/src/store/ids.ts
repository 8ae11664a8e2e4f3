/** Public object ids: a type prefix and 24 characters. */
import { BASE62_ALPHABET, randomString } from '@skytells/credentials';

export type IdPrefix = 'acct' | 'sess' | 'key' | 'aud' | 'att' | 'sdev' | 'inv' | 'pred' | 'tok' | 'ntf' | 'dev' | 'sub';

/** 24 random base62 characters (about 143 bits): for ids that must not be guessable. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(BASE62_ALPHABET, 24)}`;
}

const processTag = randomString(BASE62_ALPHABET, 8);
let sequence = 0;

/**
 * Time-ordered ids for high-volume rows (throttle attempts): 9 base36 characters of epoch ms, a
 * per-process random tag, and a counter. Ordered by time as strings, so inserts append to the
 * end of the primary-key index, and unique across instances without a random draw per row.
 */
export function newSequentialId(prefix: IdPrefix, now: number): string {
  sequence = (sequence + 1) % 36 ** 7;
  return `${prefix}_${now.toString(36).padStart(9, '0')}${processTag}${sequence.toString(36).padStart(7, '0')}`;
}
