/**
 * Accounts and API keys through the server's HTTP API, as a client would make them:
 * sign-up (session cookie), key creation and revocation (cookie + same-origin `origin`
 * header, which the CSRF check requires), and `seed` for many keys across many accounts.
 */
import { performance } from 'node:perf_hooks';

export const BENCH_PASSWORD = 'benchmark password 1234';

/** Runs `work(item, index)` over `items` with at most `limit` in flight; results in order. */
export async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

/** Signs up; returns the session cookie (`skytells_session=...`) to send back. */
export async function signup(url, email, { password = BENCH_PASSWORD, name = 'Bench' } = {}) {
  const response = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password, name }),
  });
  if (response.status !== 201) throw new Error(`signup ${email}: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('skytells_session='));
  if (!cookie) throw new Error(`signup ${email}: no skytells_session cookie`);
  return cookie;
}

/** Creates an API key; returns the server's answer (`{ id, key, ... }`). */
export async function createKey(url, cookie, name) {
  const response = await fetch(`${url}/api/v1/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: url },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`create key: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Revokes an API key; returns performance.now() at the moment the response arrived. */
export async function revokeKey(url, cookie, id) {
  const response = await fetch(`${url}/api/v1/keys/${id}`, { method: 'DELETE', headers: { cookie, origin: url } });
  const arrivedAt = performance.now();
  const body = await response.text();
  if (response.status !== 200) throw new Error(`revoke ${id}: ${response.status} ${body}`);
  return arrivedAt;
}

/**
 * `accounts` sign-ups, then `keysPerAccount` keys for each, `concurrency` requests in flight.
 * Returns the session cookie per account and every key (`{ id, key, account }`).
 */
export async function seed(url, { accounts, keysPerAccount, concurrency = 20, tag = Date.now().toString(36) }) {
  const cookies = await pool(
    Array.from({ length: accounts }, (_, i) => i),
    concurrency,
    (i) => signup(url, `bench-${tag}-${i}@example.com`),
  );
  const jobs = cookies.flatMap((cookie, account) => Array.from({ length: keysPerAccount }, (_, k) => ({ cookie, account, k })));
  const keys = await pool(jobs, concurrency, async ({ cookie, account, k }) => {
    const { id, key } = await createKey(url, cookie, `bench ${account}-${k}`);
    return { id, key, account };
  });
  if (new Set(keys.map((k) => k.key)).size !== keys.length) throw new Error('seed: duplicate key secrets');
  return { cookies, keys };
}
