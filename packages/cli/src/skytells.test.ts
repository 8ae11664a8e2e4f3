/**
 * End to end: the BUILT `skytells` binary, run as a child process against a real server
 * process on a fresh SQLite file. The device login is approved the way the console does it
 * (a signed-up session, POST /api/oauth/device/{code}/approve with Origin).
 *
 * Every byte the CLI writes is kept, and at the end each one is searched for every key and
 * token the test has seen: only the one-time output of a create or rotate may hold one.
 *
 * The server's device poll interval is 5 s (a constant; no setting lowers it), so each device
 * login costs about 5 s. PAT_MAX_LIFETIME_DAYS=5 makes every token expire within the week, so
 * the expiry warning shows on every command.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findCredentials, isCredential } from '@skytells/credentials';
import { TestClient } from '../../server/src/test-support/client.js';
import { createTestDatabase, type TestDatabase } from '../../server/src/test-support/database.js';
import { type ServerProcess, spawnServer } from '../../server/src/test-support/server.js';
import { runBinary } from './run-binary.test-support.js';

const BUILT = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const LOGIN_SCOPES = 'inference,account.read,keys.read,keys.write,tokens.read,tokens.write,usage.read,audit.read';
const USER_CODE = /\b([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\b/;

interface Run {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  /** The secret this run was meant to print once on stdout, if any. */
  shown?: string;
}

const transcript: Run[] = [];
const secretsSeen = new Set<string>();
let db: TestDatabase;
let server: ServerProcess;
let home: string;
let console: TestClient;
/** A live API key, for the check that an API key cannot manage the account. */
let liveKey: string;

async function cli(args: string[], options: { env?: Record<string, string>; input?: string; onStderr?: (text: string) => void } = {}): Promise<Run> {
  const run = {
    args,
    ...(await runBinary(args, { ...options, env: { HOME: home, SKYTELLS_CONFIG_DIR: join(home, 'config'), ...options.env } })),
  };
  transcript.push(run);
  return run;
}

/** Runs a command that starts a device grant, and approves it from the console once the code shows. */
async function withApproval(args: string[]): Promise<Run> {
  let approving: Promise<unknown> | undefined;
  const run = await cli(args, {
    onStderr(stderr) {
      const code = USER_CODE.exec(stderr)?.[1];
      if (code !== undefined && approving === undefined) {
        approving = console.post(`/api/oauth/device/${code}/approve`).then((answer) => assert.equal(answer.status, 200, answer.text));
      }
    },
  });
  assert.ok(approving, `the code was shown: ${run.stderr}`);
  await approving;
  return run;
}

const credentialsFile = () => join(home, 'config', 'credentials.json');
const savedToken = (): string => JSON.parse(readFileSync(credentialsFile(), 'utf8')).token;
const json = (run: Run) => {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
};
/** The one line a create or rotate prints: the secret alone. */
function shownOnce(run: Run, kind: 'api_key' | 'personal_access_token'): string {
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^\S+\n$/, 'stdout holds the secret alone');
  const secret = run.stdout.trim();
  assert.ok(isCredential(secret, kind), `a ${kind}`);
  run.shown = secret;
  secretsSeen.add(secret);
  return secret;
}

before(async () => {
  assert.ok(existsSync(BUILT), 'the CLI is built (npm run build)');
  home = mkdtempSync(join(tmpdir(), 'skytells-cli-home-'));
  db = await createTestDatabase();
  server = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '10', PAT_MAX_LIFETIME_DAYS: '5' });
  console = new TestClient(server.url);
  await console.signup({ email: 'dev@example.com' });
});

after(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await db?.drop();
  rmSync(home, { recursive: true, force: true });
});

describe('the skytells CLI against a real server', () => {
  test('login through the device flow saves the token 0600 in a 0700 directory', async () => {
    const run = await withApproval(['login', '--api-url', server.url, '--scopes', LOGIN_SCOPES]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'login prints nothing on stdout');
    assert.match(run.stderr, new RegExp(`${server.url}/device`));
    assert.match(run.stderr, /Signed in/);
    assert.match(run.stderr, /Warning: your token expires in 4 days/, 'the server caps tokens at 5 days here');
    assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(credentialsFile())).mode & 0o777, 0o700);
    const token = savedToken();
    assert.ok(isCredential(token, 'personal_access_token'));
    secretsSeen.add(token);
  });

  test('whoami --json: the account, the scopes, the expiry and the source', async () => {
    const answer = json(await cli(['whoami', '--json']));
    assert.equal(answer.account.email, 'dev@example.com');
    assert.deepEqual(answer.token.scopes, LOGIN_SCOPES.split(','));
    assert.ok(Date.parse(answer.token.expires_at) > Date.now());
    assert.equal(answer.source, 'credentials file');
    assert.equal(answer.api_url, server.url);
    const human = await cli(['whoami']);
    assert.match(human.stdout, /^Account +dev@example\.com/m);
    assert.match(human.stdout, /^Source +credentials file/m);
    const fromEnv = json(await cli(['whoami', '--json'], { env: { SKYTELLS_TOKEN: savedToken() } }));
    assert.equal(fromEnv.source, 'SKYTELLS_TOKEN', 'the environment comes before the file');
  });

  test('keys create → list → rotate → revoke; usage and audit see them', async () => {
    const first = shownOnce(await cli(['keys', 'create', 'ci key']), 'api_key');
    liveKey = first;
    let keys = json(await cli(['keys', 'list', '--json'])).data;
    assert.equal(keys.length, 1);
    assert.equal(keys[0].name, 'ci key');
    assert.equal(keys[0].status, 'active');
    const id = keys[0].id;

    const models = await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': first } });
    assert.equal(models.status, 200, 'the key printed is the working key');

    const rotated = await cli(['keys', 'rotate', id, '--grace', '1h']);
    const second = shownOnce(rotated, 'api_key');
    assert.notEqual(second, first);
    assert.match(rotated.stderr, /old key works until the grace period ends/);
    keys = json(await cli(['keys', 'list', '--json'])).data;
    const newId = keys.find((key: { id: string }) => key.id !== id).id;

    const table = await cli(['keys', 'list']);
    assert.match(table.stdout, /^ID +NAME +KEY +STATUS +CREATED +LAST USED$/m);
    assert.match(table.stdout, new RegExp(`^${newId} +ci key +sk-\\w{4}…\\w{4} +active`, 'm'), 'an aligned row, the key masked');

    const revoked = await cli(['keys', 'revoke', newId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stderr, /Revoked/);
    assert.equal((await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': second } })).status, 401);

    const usage = json(await cli(['usage', '--json', '--since', '1d']));
    assert.ok(usage.totals.requests >= 1, 'the call with the first key is counted');
    assert.ok(usage.data.some((row: { key_id: string }) => row.key_id === id));
    const byKey = json(await cli(['usage', '--json', '--key', newId]));
    assert.equal(byKey.totals.requests, 0);

    const audit = json(await cli(['audit', '--json', '--type', 'key.revoked', '--since', '1h']));
    assert.deepEqual(
      audit.data.map((event: { target: { id: string } }) => event.target.id),
      [newId],
    );
  });

  test('tokens rotate saves the new token in place; the old one stops', async () => {
    const old = savedToken();
    const run = await cli(['tokens', 'rotate']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'a saved token is not printed');
    const next = savedToken();
    secretsSeen.add(next);
    assert.notEqual(next, old);
    assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
    assert.equal((await cli(['whoami'], { env: { SKYTELLS_TOKEN: old } })).code, 4, 'the old token is refused');
    assert.equal((await cli(['whoami', '--json'])).code, 0);
    const tokens = json(await cli(['tokens', 'list', '--json'])).data;
    assert.ok(tokens.some((token: { status: string }) => token.status === 'revoked'));
  });

  test('tokens create runs a device grant and prints the token once; login --token reads it from stdin', async () => {
    const created = shownOnce(
      await withApproval(['tokens', 'create', '--scopes', 'keys.read,account.read', '--name', 'deploy bot']),
      'personal_access_token',
    );
    const elsewhere = { SKYTELLS_CONFIG_DIR: join(home, 'other') };
    const login = await cli(['login', '--token', '--api-url', server.url], { input: `${created}\n`, env: elsewhere });
    assert.equal(login.code, 0, login.stderr);
    const who = json(await cli(['whoami', '--json'], { env: elsewhere }));
    assert.deepEqual(who.token.scopes, ['keys.read', 'account.read']);
    assert.equal(who.token.name, 'deploy bot');
    assert.equal((await cli(['keys', 'create', 'nope'], { env: elsewhere })).code, 4, 'a missing scope is an auth refusal');
  });

  test('exit codes: 2 for usage errors, 4 when not signed in or refused', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['keys', 'rotate', 'key_x', '--grace', 'forever'])).code, 2);
    assert.equal((await cli(['keys', 'create'])).code, 2, 'a missing argument');
    assert.equal((await cli(['usage', '--since', 'yesterday'])).code, 2);
    const notAToken = `sk_pat_${'0'.repeat(64)}`;
    const refused = await cli(['login', '--token', '--api-url', server.url], { input: notAToken, env: { SKYTELLS_CONFIG_DIR: join(home, 'third') } });
    assert.equal(refused.code, 2, 'a wrong checksum is refused before any request');
    assert.ok(!refused.stderr.includes(notAToken));
    assert.equal((await cli(['whoami'], { env: { SKYTELLS_CONFIG_DIR: join(home, 'empty') } })).code, 4, 'not signed in');
    assert.equal((await cli(['keys', 'list'], { env: { SKYTELLS_API_KEY: liveKey } })).code, 4, 'an API key cannot manage');
    assert.equal((await cli(['--help'])).code, 0);
  });

  test('a credentials file others can read is refused, with the fix', async () => {
    chmodSync(credentialsFile(), 0o644);
    const run = await cli(['whoami']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /readable by other users/);
    assert.match(run.stderr, /chmod 600/);
    chmodSync(credentialsFile(), 0o600);
  });

  test('logout revokes the token on the server, then deletes the file', async () => {
    const token = savedToken();
    const run = await cli(['logout']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!existsSync(credentialsFile()));
    const after = await cli(['whoami'], { env: { SKYTELLS_TOKEN: token, SKYTELLS_API_URL: server.url } });
    assert.equal(after.code, 4, after.stderr);
    const audit = await console.get('/api/v1/audit?type=token.revoked');
    assert.ok(audit.body.data.length >= 1);
  });

  test('no key or token is ever written to stdout or stderr, but for the one-time output', () => {
    assert.ok(secretsSeen.size >= 5);
    for (const run of transcript) {
      for (const secret of secretsSeen) {
        assert.ok(!run.stderr.includes(secret), `stderr of \`skytells ${run.args.join(' ')}\` holds a secret`);
        if (secret !== run.shown) assert.ok(!run.stdout.includes(secret), `stdout of \`skytells ${run.args.join(' ')}\` holds a secret`);
      }
      // And none the test did not know of (the device login's token, say).
      const found = findCredentials(run.stdout + run.stderr).map((f) => f.value);
      assert.deepEqual(
        found.filter((value) => value !== run.shown),
        [],
        `skytells ${run.args.join(' ')}`,
      );
    }
  });
});
