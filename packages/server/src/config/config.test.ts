import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnServer, startTestServer } from '../test-support/server.js';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  test('documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.database, { dialect: 'sqlite', file: `${process.cwd()}/data/skytells.db` });
    assert.equal(config.logLevel, 'info');
    assert.equal(config.trustProxy, false);
    assert.equal(config.publicOrigin, undefined);
    assert.equal(config.metricsPublic, false);
    assert.equal(config.signinMaxFailuresPerAccount, 10);
    assert.equal(config.signinMaxFailuresPerIp, 50);
    assert.equal(config.signinWindowMs, 15 * 60 * 1000);
    assert.equal(config.batchFlushIntervalMs, 5000);
  });

  test('database URLs: file paths and sqlite: URLs select SQLite, postgres:// selects PostgreSQL', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database.dialect, 'sqlite');
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///tmp/x.db' }).database, { dialect: 'sqlite', file: '/tmp/x.db' });
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database.dialect, 'postgres');
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).database.dialect, 'postgres');
  });

  test('TRUST_PROXY and PUBLIC_URL', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback,fd00::/8,::1' }).trustProxy, ['loopback', 'fd00::/8', '::1']);
    assert.equal(loadConfig({ PUBLIC_URL: 'https://console.example.com/some/path' }).publicOrigin, 'https://console.example.com');
  });

  test('TRUST_PROXY: a hop count is refused (it cannot tell a proxy from a client that connects directly), as are non-addresses', () => {
    for (const value of ['1', '2', ' 3 ', '1,2', '10.0.0.0/33', '::1/129', 'fe80', 'example.com', '10.0.0.1/8/8']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: value }),
        (error: unknown) => error instanceof ConfigError && /TRUST_PROXY must be .*not a hop count/.test(error.message),
        JSON.stringify(value),
      );
    }
  });

  test('TRUST_PROXY reaches Fastify: X-Forwarded-For and -Proto count only from a listed proxy', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' };
    const cases = [
      { trustProxy: '192.0.2.1', scheme: 'http', ip: '127.0.0.1', cookie: /^skytells_session=/ },
      { trustProxy: '127.0.0.1', scheme: 'https', ip: '203.0.113.9', cookie: /^__Host-skytells_session=.*; Secure$/ },
    ];
    for (const { trustProxy, scheme, ip, cookie } of cases) {
      const t = await startTestServer({ TRUST_PROXY: trustProxy });
      try {
        const browser = t.client();
        const { email, password } = await browser.signup();
        // The console's origin is the request's own: its scheme is what the server believes.
        const origin = `${scheme}:${t.url.slice('http:'.length)}`;
        const signin = await browser.post('/api/v1/auth/signin', { email, password }, { headers: { ...forwarded, origin } });
        assert.equal(signin.status, 200, signin.text);
        assert.match(signin.headers.get('set-cookie') ?? '', cookie, trustProxy);
        const audit = await browser.get('/api/v1/audit?type=auth.signin', { headers: forwarded });
        assert.equal(audit.body.data[0]?.ip, ip, trustProxy);
      } finally {
        await t.stop();
      }
    }
  });

  test('an invalid value names its variable and never echoes the value', () => {
    const cases: Record<string, string> = {
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'sometimes',
      PUBLIC_URL: 'ftp://secret-value',
      METRICS_PUBLIC: 'maybe',
      SIGNIN_MAX_FAILURES_PER_IP: '-1',
      BATCH_FLUSH_INTERVAL_MS: '60000',
      DATABASE_POOL_SIZE: '5000',
    };
    for (const [name, value] of Object.entries(cases)) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes(name) && !error.message.includes(value) && !error.message.includes('\n'),
        name,
      );
    }
  });

  test('the process refuses to start on invalid configuration: one line on stderr, non-zero exit', async () => {
    const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
    for (const [env, variable] of [
      [{ PORT: 'eighty' }, 'PORT'],
      [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    ] as const) {
      const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      assert.notEqual(code, 0);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, new RegExp(variable));
    }
  });

  test('an unreachable database gives one clear line and a non-zero exit', async () => {
    await assert.rejects(spawnServer({ DATABASE_URL: 'postgres://nobody:hunter2secret@127.0.0.1:1/none', LOG_LEVEL: 'info' }), (error: Error) => {
      const stderr = error.message.split('\n').filter((l) => l.startsWith('skytells-server:'));
      assert.equal(stderr.length, 1, error.message);
      assert.match(stderr[0] ?? '', /cannot start on PostgreSQL at 127\.0\.0\.1:1\/none/);
      assert.doesNotMatch(error.message, /hunter2secret/);
      return true;
    });
  });
});
