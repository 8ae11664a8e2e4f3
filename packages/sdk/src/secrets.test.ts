/**
 * The SDK never writes a key or token to stdout or stderr, and never puts one in an error,
 * even when a server echoes the credential back in its answer. Checked on a child process's
 * whole output, with its errors printed the way an application would log them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningTestServer, startServerProcess } from './server-process.test-support.js';

const PROBE = fileURLToPath(new URL('./leak-probe.test-support.ts', import.meta.url));

function runProbe(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('no credential in SDK output or errors', () => {
  let s: RunningTestServer;
  let echo: Server;
  let echoUrl: string;
  const env: Record<string, string> = {};
  before(async () => {
    s = await startServerProcess();
    // Answers every request with the credential it was sent, as text or inside the JSON envelope.
    echo = createServer((req, res) => {
      const presented = `${req.headers['x-api-key'] ?? ''} ${req.headers.authorization ?? ''}`;
      if (req.url?.startsWith('/json')) {
        res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': presented });
        res.end(
          JSON.stringify({
            status: false,
            response: presented,
            error: { http_status: 401, message: `bad ${presented}`, details: presented, error_id: 'UNAUTHORIZED' },
          }),
        );
      } else {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`you sent ${presented}`);
      }
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    env.SKYTELLS_TEST_KEY = (await s.console.createKey('leak probe')).key;
    env.SKYTELLS_TEST_TOKEN = (await s.token(['account.read', 'credentials.verify'])).token;
    env.SKYTELLS_TEST_URL = s.url;
    env.SKYTELLS_TEST_ECHO_URL = echoUrl;
  });
  after(async () => {
    echo.closeAllConnections();
    await new Promise((resolve) => echo.close(resolve));
    await s.stop();
  });

  const secretsIn = (output: string) =>
    [env.SKYTELLS_TEST_KEY!, env.SKYTELLS_TEST_TOKEN!].filter((credential) => {
      const body = credential.slice(credential.indexOf('_pat_') === -1 ? 3 : 7);
      // The random part, even without its prefix or checksum, is the secret.
      return output.includes(body.slice(0, 20)) || output.includes(body.slice(-20));
    });

  test('the SDK itself prints nothing', async () => {
    const { code, output } = await runProbe(env);
    assert.equal(code, 0, output);
    assert.equal(output, 'errors: 11\n');
  });

  test('every error, printed in full, is free of the key and the token', async () => {
    const { code, output } = await runProbe({ ...env, PROBE_LOG_ERRORS: '1' });
    assert.equal(code, 0, output);
    assert.match(output, /SkytellsError/);
    assert.match(output, /sk-[0-9A-Za-z]{4}…[0-9A-Za-z]{4}/, 'the echoed credential appears masked');
    assert.deepEqual(secretsIn(output), []);
  });
});
