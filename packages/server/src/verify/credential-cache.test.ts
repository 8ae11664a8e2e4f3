import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { generateApiKey, hashCredential } from '@skytells/credentials';
import { createMetrics } from '../http/metrics.js';
import { ManualClock } from '../test-support/server.js';
import { CredentialCache } from './credential-cache.js';
import { CredentialVerifier, type VerifiedCredential } from './verifier.js';

describe('CredentialCache', () => {
  test('is bounded, evicting an entry not used since it was last passed over (second chance)', () => {
    const cache = new CredentialCache<number>(3, 60_000);
    for (const [i, hash] of ['a', 'b', 'c'].entries()) cache.setIfCurrent(hash, i, cache.generation, 0);
    assert.equal(cache.get('a', 0)?.value, 0); // a is now the most recent
    cache.setIfCurrent('d', 3, cache.generation, 0);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b', 0)?.value, undefined, 'b was least recently used');
    assert.equal(cache.get('a', 0)?.value, 0);
    assert.equal(cache.get('d', 0)?.value, 3);
  });

  test('entries expire after the TTL', () => {
    const cache = new CredentialCache<string>(10, 1000, () => 0);
    cache.setIfCurrent('h', 'v', cache.generation, 0);
    assert.equal(cache.get('h', 999)?.value, 'v');
    assert.equal(cache.get('h', 1000)?.value, undefined);
  });

  test('entries cached at the same moment expire spread over the last fifth of the TTL, never after it', () => {
    const cache = new CredentialCache<number>(1000, 30_000);
    for (let i = 0; i < 1000; i++) cache.setIfCurrent(`h${i}`, i, cache.generation, 0);
    const alive = (at: number) => Array.from({ length: 1000 }, (_, i) => cache.get(`h${i}`, at)?.value).filter((v) => v !== undefined).length;
    assert.equal(alive(23_999), 1000, 'none before 80% of the TTL');
    const atNinety = alive(27_000);
    assert.ok(atNinety > 300 && atNinety < 700, `about half expire by 90% of the TTL: ${atNinety} left`);
    assert.equal(alive(30_000), 0, 'none outlives the TTL');
  });

  test('an entry is due for refresh a tenth of the TTL before it expires', () => {
    const cache = new CredentialCache<string>(10, 30_000, () => 0);
    cache.setIfCurrent('h', 'v', cache.generation, 1_000);
    assert.equal(cache.get('h', 1_000)?.refreshAt, 28_000);
    assert.equal(cache.get('h', 30_999)?.value, 'v');
    assert.equal(cache.get('h', 31_000), undefined);
  });

  test('a result read before an invalidation is not stored after it', () => {
    const cache = new CredentialCache<string>(10, 60_000);
    const generation = cache.generation;
    cache.invalidate(['other']);
    cache.setIfCurrent('h', 'stale', generation, 0);
    assert.equal(cache.get('h', 0)?.value, undefined);
  });
});

describe('CredentialVerifier', () => {
  const credential: VerifiedCredential = {
    kind: 'api_key',
    credentialId: 'key_1',
    accountId: 'acct_1',
    expiresAt: null,
    scopes: [],
    usageNote: null,
  };

  function deferredLookups() {
    const calls: Array<(value: VerifiedCredential | null) => void> = [];
    const lookup = (_hash: string) => new Promise<VerifiedCredential | null>((resolve) => calls.push(resolve));
    return { calls, lookup };
  }

  /** A verifier with deferred lookups, a TTL of 10 s, and one key cached at time 0. */
  async function oneKeyCached() {
    const { calls, lookup } = deferredLookups();
    const clock = new ManualClock(0);
    const verifier = new CredentialVerifier({ api_key: lookup }, clock, createMetrics(), { cacheSize: 10, cacheTtlMs: 10_000 });
    const key = generateApiKey();
    const first = verifier.verify(key, ['api_key']);
    calls[0]?.(credential);
    assert.deepEqual(await first, credential);
    return { calls, clock, verifier, key };
  }

  test('concurrent misses for one key share a single lookup', async () => {
    const { calls, lookup } = deferredLookups();
    const verifier = new CredentialVerifier({ api_key: lookup }, new ManualClock(), createMetrics(), { cacheSize: 10, cacheTtlMs: 60_000 });
    const key = generateApiKey();
    const pending = Array.from({ length: 20 }, () => verifier.verify(key, ['api_key']));
    assert.equal(calls.length, 1);
    calls[0]!(credential);
    for (const result of await Promise.all(pending)) assert.deepEqual(result, credential);
    assert.deepEqual(await verifier.verify(key, ['api_key']), credential);
    assert.equal(calls.length, 1, 'later calls hit the cache');
  });

  test('a request after an invalidation never joins a lookup that began before it', async () => {
    const { calls, lookup } = deferredLookups();
    const verifier = new CredentialVerifier({ api_key: lookup }, new ManualClock(), createMetrics(), { cacheSize: 10, cacheTtlMs: 60_000 });
    const key = generateApiKey();
    const before = verifier.verify(key, ['api_key']);
    verifier.invalidate([hashCredential(key)]); // the key was revoked while the lookup ran
    const afterRevoke = verifier.verify(key, ['api_key']);
    assert.equal(calls.length, 2, 'the second request started its own lookup');
    calls[0]!(credential); // the stale read
    calls[1]!(null); // the read after the revocation
    assert.deepEqual(await before, credential);
    assert.equal(await afterRevoke, null);
    assert.equal(await verifier.verify(key, ['api_key']), null, 'the stale read was not cached');
  });

  test('a synchronous lookup (SQLite) answers a miss with no promise, and its answer is cached', () => {
    let lookups = 0;
    const lookup = () => {
      lookups++;
      return credential;
    };
    const verifier = new CredentialVerifier({ api_key: lookup }, new ManualClock(), createMetrics(), { cacheSize: 10, cacheTtlMs: 60_000 });
    const key = generateApiKey();
    assert.deepEqual(verifier.verify(key, ['api_key']), credential, 'the miss, answered synchronously');
    assert.deepEqual(verifier.verify(key, ['api_key']), credential);
    assert.equal(lookups, 1, 'the second call hit the cache');
    verifier.invalidate([hashCredential(key)]);
    assert.deepEqual(verifier.verify(key, ['api_key']), credential);
    assert.equal(lookups, 2, 'after an invalidation the store is asked again');
  });

  test('a hit due for refresh answers from the entry at once and asks the store once beside it', async () => {
    mock.method(Math, 'random', () => 0); // no jitter: expiry at the TTL, refresh due from 90% of it
    try {
      const { calls, clock, verifier, key } = await oneKeyCached();
      clock.advance(8_999);
      assert.deepEqual(verifier.verify(key, ['api_key']), credential, 'not due yet');
      assert.equal(calls.length, 1);
      clock.advance(1);
      assert.deepEqual(verifier.verify(key, ['api_key']), credential, 'due: still answered from the entry, with no promise');
      assert.deepEqual(verifier.verify(key, ['api_key']), credential);
      assert.equal(calls.length, 2, 'one refresh, shared while it runs');
      calls[1]?.(null); // revoked meanwhile, and its invalidation was missed: the refresh finds out
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(verifier.verify(key, ['api_key']), null, 'the refreshed answer replaced the entry');
      assert.equal(calls.length, 2);
    } finally {
      mock.restoreAll();
    }
  });

  test('a refresh that began before an invalidation stores nothing', async () => {
    mock.method(Math, 'random', () => 0);
    try {
      const { calls, clock, verifier, key } = await oneKeyCached();
      clock.advance(9_500);
      assert.deepEqual(verifier.verify(key, ['api_key']), credential);
      verifier.invalidate([hashCredential(key)]);
      calls[1]?.(credential); // the stale answer of the refresh
      await new Promise((resolve) => setImmediate(resolve));
      const after = verifier.verify(key, ['api_key']);
      assert.ok(after instanceof Promise, 'a miss: the refresh did not bring the entry back');
      assert.equal(calls.length, 3);
      calls[2]?.(null);
      assert.equal(await after, null);
    } finally {
      mock.restoreAll();
    }
  });

  test('refreshes due together share one batch query; an invalidation meanwhile discards its answers', async () => {
    mock.method(Math, 'random', () => 0);
    try {
      const clock = new ManualClock(0);
      const batches: Array<{ hashes: readonly string[]; resolve: (found: Map<string, VerifiedCredential>) => void }> = [];
      let lookups = 0;
      const single = () => {
        lookups++;
        return credential;
      };
      const verifier = new CredentialVerifier({ api_key: single }, clock, createMetrics(), {
        cacheSize: 10,
        cacheTtlMs: 10_000,
        batchLookups: { api_key: (hashes) => new Promise((resolve) => batches.push({ hashes, resolve })) },
      });
      const [a, b] = [generateApiKey(), generateApiKey()];
      verifier.verify(a, ['api_key']);
      verifier.verify(b, ['api_key']);
      clock.advance(9_500);
      for (const key of [a, b, a]) assert.deepEqual(verifier.verify(key, ['api_key']), credential, 'due: answered from the entry');
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(batches.length, 1, 'one query for both');
      assert.deepEqual([...(batches[0]?.hashes ?? [])].sort(), [hashCredential(a), hashCredential(b)].sort());
      batches[0]?.resolve(new Map([[hashCredential(a), credential]])); // b was revoked, its invalidation missed
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(verifier.verify(a, ['api_key']), credential);
      assert.equal(verifier.verify(b, ['api_key']), null, "b's refreshed answer replaced its entry");

      clock.advance(9_500);
      assert.deepEqual(verifier.verify(a, ['api_key']), credential);
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(batches.length, 2);
      verifier.invalidate([hashCredential(a)]);
      batches[1]?.resolve(new Map([[hashCredential(a), credential]]));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(lookups, 2, 'so far only the two first misses');
      assert.deepEqual(verifier.verify(a, ['api_key']), credential);
      assert.equal(lookups, 3, 'a miss: the discarded refresh did not bring the entry back');
    } finally {
      mock.restoreAll();
    }
  });

  test('a credential past its expiry is refused, even from the cache', async () => {
    const clock = new ManualClock(1_000);
    const expiring = { ...credential, expiresAt: 2_000 };
    const verifier = new CredentialVerifier({ api_key: async () => expiring }, clock, createMetrics(), { cacheSize: 10, cacheTtlMs: 60_000 });
    const key = generateApiKey();
    assert.deepEqual(await verifier.verify(key, ['api_key']), expiring);
    clock.advance(1_000);
    assert.equal(await verifier.verify(key, ['api_key']), null);
  });

  test('a kind the route does not accept is refused without a lookup', async () => {
    let lookups = 0;
    const verifier = new CredentialVerifier(
      {
        api_key: async () => {
          lookups++;
          return credential;
        },
      },
      new ManualClock(),
      createMetrics(),
      {
        cacheSize: 10,
        cacheTtlMs: 60_000,
      },
    );
    assert.equal(await verifier.verify(generateApiKey(), ['personal_access_token']), null);
    assert.equal(lookups, 0);
  });
});
