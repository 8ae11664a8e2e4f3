import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { PlaceRuns } from '../usage/usage-batch.js';
import { parseDatabaseUrl } from './database-url.js';
import { type UsageColumns, type UsageJob, usageGroupId, usageGroupPlace } from './write-jobs.js';
import { openWriteBackend } from './writer.js';

const MINUTE = Date.UTC(2026, 0, 1, 12, 30);

/** One request of each credential in `minute`, a group each. */
function columns(minute: number, credentialIds: string[]): UsageColumns {
  const n = credentialIds.length;
  const each = <T>(value: T): T[] => Array(n).fill(value);
  return {
    minute: each(minute),
    accountId: each('acct_writejobs'),
    kind: each('api_key'),
    credentialId: credentialIds,
    ip: each('192.0.2.1'),
    userAgent: each('w'),
    method: each('GET'),
    route: each('/v1/models'),
    status: each(200),
    model: each(''),
    requests: each(1),
    errors: each(0),
    predictions: each(0),
    latencySumUs: each(100),
    latencyMaxUs: each(100),
    chargeNanos: each(0),
  };
}

describe('usage group ids', () => {
  test('sort by minute, then by the place of their credential: the order a flush writes in', () => {
    const ids = (minute: number, credentialId: string) => usageGroupId(columns(minute, [credentialId]), 0);
    assert.ok(ids(MINUTE, 'key_b').startsWith(usageGroupPlace(MINUTE, 'key_b')));
    assert.ok(ids(MINUTE, 'key_a') < ids(MINUTE, 'key_b'), 'a credential ending in a sorts before one ending in b');
    assert.ok(ids(MINUTE, 'key_z') < ids(MINUTE + 60_000, 'key_a'), 'every group of a minute sorts before the next minute');
    assert.equal(ids(MINUTE, 'key_a'), ids(MINUTE, 'key_a'), 'a group is named the same way every time');
    assert.notEqual(ids(MINUTE, 'key_xa'), ids(MINUTE, 'key_ya'), 'two credentials of one place are two groups');
  });

  test("a flush's order on the main thread, kept as groups are created, is the ids' order", () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const groups = Array.from({ length: 2000 }, (_, i) => ({
      minute: MINUTE + ((i * 7) % 3) * 60_000,
      credentialId: `key_${alphabet[(i * 31) % 62]}${alphabet[(i * 7919) % 62]}`,
    }));
    const runs = new PlaceRuns<(typeof groups)[number]>();
    for (const g of groups) runs.add(g);
    const ordered = runs.take();
    assert.deepEqual(runs.take(), [], 'taking starts over');
    assert.equal(ordered.length, groups.length);
    assert.deepEqual(new Set(ordered), new Set(groups));
    const places = ordered.map((g) => usageGroupPlace(g.minute, g.credentialId));
    assert.deepEqual(places, [...places].sort());
  });
});

describe("two instances' writers flushing the same groups at once", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('both apply, in opposite arrival orders, without a deadlock, and every request counts', async () => {
    const target = parseDatabaseUrl(t.db.env.DATABASE_URL as string);
    const writers = [await openWriteBackend(target), await openWriteBackend(target)];
    try {
      const credentialIds = Array.from({ length: 300 }, (_, i) => `key_writejobs${i.toString(36).padStart(3, '0')}`);
      const reversed = [...credentialIds].reverse();
      const job = (ledgerId: string, ids: string[]): UsageJob => ({ op: 'usage', ledgerId, appliedAt: MINUTE, rows: columns(MINUTE, ids) });
      const rounds = 10;
      for (let round = 0; round < rounds; round++) {
        // Each writer locks rows as it upserts them: in arrival order, the two would wait for each other.
        const written = await Promise.all([writers[0]?.apply(job(`a.${round}`, credentialIds)), writers[1]?.apply(job(`b.${round}`, reversed))]);
        assert.deepEqual(written, [300, 300]);
      }
      const rows = await t.server.ctx.store.db.selectFrom('usage_minutes').select('requests').where('account_id', '=', 'acct_writejobs').execute();
      assert.equal(rows.length, 300);
      assert.ok(
        rows.every((r) => Number(r.requests) === 2 * rounds),
        'each group counts both writers every round',
      );
    } finally {
      for (const writer of writers) await writer?.close();
    }
  });
});
