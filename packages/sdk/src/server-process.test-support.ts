/**
 * The real server for the SDK's tests: the built `dist/main.js` as a child process on a fresh
 * SQLite file (or PostgreSQL, by TEST_DB), with a signed-up console account to make keys and
 * tokens from.
 */
import { TestClient } from '../../server/src/test-support/client.js';
import { spawnTestServer } from '../../server/src/test-support/server.js';

export interface RunningTestServer {
  url: string;
  /** A console session of a freshly signed-up account. */
  console: TestClient;
  /** Everything the server process printed so far. */
  output(): string;
  /** Creates a token from the console session with these scopes (30 days). */
  token(scopes: string[]): Promise<{ id: string; token: string }>;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<RunningTestServer> {
  const server = await spawnTestServer({ LOG_LEVEL: 'info', ...env });
  const console = new TestClient(server.url);
  await console.signup();
  return {
    url: server.url,
    console,
    output: server.output,
    async token(scopes) {
      const response = await console.post('/api/v1/tokens', { name: 'sdk test', scopes, expires_in_days: 30 });
      if (response.status !== 201) throw new Error(`create token failed: ${response.status} ${response.text}`);
      return response.body;
    },
    stop: server.stop,
  };
}
