/**
 * Run as a child process by secrets.test.ts: uses the SDK with the key and token it is given
 * (SKYTELLS_TEST_KEY, SKYTELLS_TEST_TOKEN) against the real server (SKYTELLS_TEST_URL) and a
 * server that echoes credentials back (SKYTELLS_TEST_ECHO_URL), succeeding and failing in
 * every way it can. With PROBE_LOG_ERRORS=1 it then prints every error the way an application
 * would log it (console.error of the error, its JSON, message, details and stack).
 */
import { createClient, createManagementClient, SkytellsError } from './index.js';
import { CredentialVerifier, verifyCredential } from './server/index.js';

const key = process.env.SKYTELLS_TEST_KEY ?? '';
const token = process.env.SKYTELLS_TEST_TOKEN ?? '';
const url = process.env.SKYTELLS_TEST_URL ?? '';
const echo = process.env.SKYTELLS_TEST_ECHO_URL ?? '';
const typo = (credential: string) => credential.slice(0, -1) + (credential.endsWith('a') ? 'b' : 'a');

const errors: unknown[] = [];
const attempt = async (call: () => Promise<unknown>) => {
  try {
    await call();
  } catch (error) {
    errors.push(error);
  }
};

const inference = createClient(key, { baseUrl: `${url}/v1` });
await attempt(() => inference.listModels());
await attempt(() => inference.predict({ model: 'sandbox-text', input: { prompt: key } }));
await attempt(() => inference.predict({ model: 'no-such-model', input: {} }));
await attempt(() => createClient(typo(key), { baseUrl: `${url}/v1` }).listModels());
await attempt(() => createClient(typo(token), { baseUrl: `${url}/v1` }).listModels());
await attempt(() => createClient(key, { baseUrl: `${echo}/v1` }).listModels());
await attempt(() => createClient(token, { baseUrl: `${echo}/json/v1` }).listModels());
await attempt(() => createClient(key, { baseUrl: 'http://127.0.0.1:1/v1', timeout: 2000 }).listModels());
const management = createManagementClient(token, { baseUrl: url });
await attempt(() => management.account.get());
await attempt(() => management.keys.list());
await attempt(() => createManagementClient(key, { baseUrl: url }).account.get());
await attempt(() => createManagementClient(typo(token), { baseUrl: url }).account.get());
await attempt(() => createManagementClient(token, { baseUrl: echo }).account.get());
await attempt(() => verifyCredential(key, { token, baseUrl: url }));
await attempt(() => verifyCredential(key, { token, baseUrl: `${echo}/json` }));
const verifier = new CredentialVerifier({ token, baseUrl: echo });
await verifier.check(key);
verifier.close();

if (process.env.PROBE_LOG_ERRORS === '1') {
  for (const error of errors) {
    console.error(error);
    console.log(JSON.stringify(error), String(error));
    if (error instanceof SkytellsError) console.log(error.message, error.details, error.stack, error.requestId, error.acceptedScopes);
  }
}
process.stdout.write(`errors: ${errors.length}\n`);
