/** Device-grant rows: creation under a fresh user code, and the count behind the cap on pending grants. */
import type { Insertable, Kysely } from 'kysely';
import type { Database, DeviceGrantsTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/store.js';
import { newUserCode } from './device-codes.js';

/** User codes drawn for one grant at most. With the pending cap far below the 20^8 codes, a second draw is already rare. */
const USER_CODE_DRAWS = 5;

/**
 * Inserts the grant under a user code from `drawUserCode`; a code taken by a stored grant
 * (the unique index says so) is drawn again. Returns the code, or undefined when every draw
 * was taken.
 */
export async function insertDeviceGrant(
  db: Kysely<Database>,
  grant: Omit<Insertable<DeviceGrantsTable>, 'user_code'>,
  drawUserCode: () => string = newUserCode,
): Promise<string | undefined> {
  for (let draw = 0; draw < USER_CODE_DRAWS; draw++) {
    const userCode = drawUserCode();
    try {
      await db
        .insertInto('device_grants')
        .values({ ...grant, user_code: userCode })
        .execute();
      return userCode;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return undefined;
}

/** Pending, unexpired grants, counted up to `upTo` (the count stops there: it costs at most that many index entries). */
export async function countPendingGrants(db: Kysely<Database>, now: number, upTo: number): Promise<number> {
  const { count } = await db
    .selectFrom((eb) =>
      eb.selectFrom('device_grants').select('id').where('status', '=', 'pending').where('expires_at', '>', now).limit(upTo).as('pending'),
    )
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function deleteDeviceGrant(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('device_grants').where('id', '=', id).execute();
}
