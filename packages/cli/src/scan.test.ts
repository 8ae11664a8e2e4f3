/**
 * Acceptance of the leak response, end to end: the BUILT `skytells` binary scans a real git
 * repository (five credentials planted where only a history scan finds them: committed then
 * deleted, a side branch, a stash, a commit message, a notebook output) with
 * `scan --git --verify --report`, against a real server process. All five are found and
 * reported live, the server revokes them (and then refuses them), and the owner's audit log
 * shows each exposure window. No output of the CLI holds a secret.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashCredential } from '@skytells/credentials';
import { type Planted, plantedRepository } from '../../scanner/src/repository.test-support.js';
import { TestClient } from '../../server/src/test-support/client.js';
import { createTestDatabase, type TestDatabase } from '../../server/src/test-support/database.js';
import { type ServerProcess, spawnServer } from '../../server/src/test-support/server.js';
import { BIN, type BinaryRun, runBinary } from './run-binary.test-support.js';

let db: TestDatabase;
let server: ServerProcess;
let home: string;
let repo: string;
let owner: TestClient;
let planted: Planted;
const ids = new Map<string, string>();

function scan(args: string[]): Promise<BinaryRun> {
  return runBinary(['scan', ...args], {
    cwd: repo,
    env: { HOME: home, SKYTELLS_CONFIG_DIR: join(home, 'config'), SKYTELLS_API_URL: server.url },
  });
}

async function created(path: string, body: Record<string, unknown>, field: 'key' | 'token'): Promise<string> {
  const response = await owner.post(path, body);
  assert.equal(response.status, 201, response.text);
  ids.set(response.body[field], response.body.id);
  return response.body[field];
}

before(async () => {
  assert.ok(existsSync(BIN), 'the CLI is built (npm run build)');
  home = mkdtempSync(join(tmpdir(), 'skytells-scan-home-'));
  db = await createTestDatabase();
  server = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '10' });
  owner = new TestClient(server.url);
  await owner.signup();
  planted = {
    deleted: await created('/api/v1/keys', { name: 'deleted later' }, 'key'),
    sideBranch: await created('/api/v1/keys', { name: 'side branch' }, 'key'),
    stash: await created('/api/v1/keys', { name: 'stash' }, 'key'),
    message: await created('/api/v1/keys', { name: 'commit message' }, 'key'),
    notebook: await created('/api/v1/tokens', { name: 'notebook', scopes: ['account.read'], expires_in_days: 30 }, 'token'),
  };
  repo = plantedRepository(planted);
});

after(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await db?.drop();
  for (const dir of [home, repo]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('skytells scan --git --verify --report against a real server', () => {
  test('finds the five, reports them live, and they are revoked with their exposure windows recorded', async () => {
    const secrets = Object.values(planted);
    for (const key of secrets.slice(0, 4)) {
      assert.equal((await new TestClient(server.url).get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
    }

    const run = await scan(['--git', '--verify', '--report', '--format', 'json']);
    assert.equal(run.code, 1, `live credentials found: exit 1\n${run.stderr}`);
    const { findings } = JSON.parse(run.stdout);
    assert.deepEqual(findings.map((f: { hash: string }) => f.hash).sort(), secrets.map(hashCredential).sort());
    for (const finding of findings) assert.equal(finding.status, 'live');
    assert.equal(run.stderr.match(/reported sk[-_]\S+: revoked, exposed from \S+ to \S+; its requests in that window: \/usage\?key_id=/g)?.length, 5);
    for (const secret of secrets) {
      assert.equal(run.stdout.includes(secret) || run.stderr.includes(secret), false, 'no output holds a secret');
    }

    // The server refuses them now.
    for (const key of secrets.slice(0, 4)) {
      assert.equal((await new TestClient(server.url).get('/v1/models', { headers: { 'x-api-key': key } })).status, 401);
    }
    const token = await new TestClient(server.url).get('/api/v1/account', { headers: { authorization: `Bearer ${planted.notebook}` } });
    assert.equal(token.status, 401);

    // The audit log holds each exposure window; first seen is where history says.
    const audit = await owner.get('/api/v1/audit?type=credential.leak_reported&per_page=100');
    assert.equal(audit.status, 200);
    assert.equal(audit.body.data.length, 5);
    for (const secret of secrets) {
      const event = audit.body.data.find((e: any) => e.target.id === ids.get(secret));
      assert.ok(event, 'one leak_reported event per credential');
      assert.equal(event.metadata.source, 'skytells-scan');
      assert.ok(Date.parse(event.metadata.exposure_from) <= Date.parse(event.metadata.exposure_to));
      assert.equal(event.metadata.exposure_to, event.metadata.revoked_at);
    }
    const deleted = audit.body.data.find((e: any) => e.target.id === ids.get(planted.deleted));
    assert.equal(deleted.metadata.first_seen, '2026-01-02T10:00:00.000Z', 'the commit that introduced it');
    assert.equal(deleted.metadata.path, 'config/.env');

    // A second scan finds them all revoked: nothing live, exit 0 (1 only with --fail-on-any).
    const again = await scan(['--git', '--verify']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.match(/ revoked$/gm)?.length, 5);
    assert.equal((await scan(['--git', '--verify', '--fail-on-any'])).code, 1);
  });

  test('--staged for a pre-commit hook; errors exit 2', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'not-a-repo-'));
    try {
      const clean = await scan(['--staged']);
      assert.equal(clean.code, 0, clean.stderr);
      assert.match(clean.stdout, /No Skytells credentials found/);
      const failed = await scan(['--git', outside]);
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /not inside a git work tree/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
