/**
 * Browsers known to an account: OWASP's "device cookie". A successful sign-in gives the
 * browser a random cookie, sent back only to the sign-in endpoint. A sign-in that presents
 * the cookie of the account it signs in to has a failure budget of its own, so failures from
 * anywhere else (an attacker guessing) never make the owner wait in their own browser. The
 * cookie grants nothing else: it is no session, and with a wrong password it is throttled
 * like any browser. The server keeps only its SHA-256, like a session's.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const DEVICE_COOKIE = 'skytells_device';
const DEVICE_COOKIE_PAIR = new RegExp(`(?:^|;)\\s*${DEVICE_COOKIE}=([A-Za-z0-9_-]{43})\\s*(?:;|$)`);
/** Long enough to outlive sessions, so a returning owner is still known. */
const DEVICE_LIFETIME_SECONDS = 365 * 86_400;
/** Browsers remembered per account at most (the newest): sign-ins cannot grow the table without bound. */
const DEVICES_PER_ACCOUNT = 20;

const hashDeviceToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The device token of a Cookie header, if it has a well-formed one. */
export function readDeviceCookie(header: string | undefined): string | undefined {
  return DEVICE_COOKIE_PAIR.exec(header ?? '')?.[1];
}

/** Sent only to the sign-in endpoint, never readable by scripts, never sent by another site. */
export function deviceCookie(token: string, secure: boolean): string {
  const attributes = [`${DEVICE_COOKIE}=${token}`, 'Path=/api/v1/auth/signin', 'HttpOnly', 'SameSite=Strict', `Max-Age=${DEVICE_LIFETIME_SECONDS}`];
  return (secure ? [...attributes, 'Secure'] : attributes).join('; ');
}

/** The id of the unexpired device behind `token` when it belongs to the account of `emailNormalized`. */
export async function findSigninDevice(db: Db, token: string, emailNormalized: string, now: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('signin_devices')
    .innerJoin('accounts', 'accounts.id', 'signin_devices.account_id')
    .select('signin_devices.id')
    .where('signin_devices.token_hash', '=', hashDeviceToken(token))
    .where('signin_devices.expires_at', '>', now)
    .where('accounts.email_normalized', '=', emailNormalized)
    .executeTakeFirst();
  return row?.id;
}

/** Remembers a new device of the account, forgetting all but its newest; returns the cookie value for `deviceCookie`. */
export async function rememberSigninDevice(db: Db, accountId: string, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('signin_devices')
    .values({
      id: newId('sdev'),
      token_hash: hashDeviceToken(token),
      account_id: accountId,
      created_at: now,
      expires_at: now + DEVICE_LIFETIME_SECONDS * 1000,
    })
    .execute();
  await db
    .deleteFrom('signin_devices')
    .where('account_id', '=', accountId)
    .where('id', 'not in', (eb) =>
      eb
        .selectFrom('signin_devices')
        .select('id')
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(DEVICES_PER_ACCOUNT),
    )
    .execute();
  return token;
}

/** After a password change no browser keeps a budget of its own: whoever knew the old password may hold one. */
export async function forgetSigninDevices(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('signin_devices').where('account_id', '=', accountId).execute();
}
