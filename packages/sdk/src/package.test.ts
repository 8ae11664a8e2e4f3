/**
 * What ships: the generated API types match the server's current OpenAPI document, and the
 * built bundles (ESM and CJS, both entry points) load and import nothing at all, neither a
 * package nor a Node built-in, so they run on Node, Bun, Deno and edge runtimes alike.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fetchServerDocument, renderTypes, TYPES_FILE } from '../scripts/openapi-types.js';

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

describe('the skytells package', () => {
  test('src/generated/openapi.ts is what the server’s current OpenAPI document generates (else: npm run generate:types -w skytells)', async () => {
    const fresh = await renderTypes(await fetchServerDocument());
    assert.ok(fresh.includes('"/api/v1/credentials/verify"'), 'the document was read');
    assert.equal(readFileSync(TYPES_FILE, 'utf8'), fresh, 'the committed types are stale: run npm run generate:types -w skytells');
  });

  test('the bundles import nothing: no runtime dependency, no Node built-in', () => {
    for (const file of ['index.js', 'server.js', 'index.cjs', 'server.cjs']) {
      const code = readFileSync(dist(file), 'utf8');
      // Only the bundle's own chunks may be imported (relative paths).
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
      assert.deepEqual(
        specifiers.filter((specifier) => !specifier?.startsWith('./')),
        [],
        `${file} imports a package or a built-in`,
      );
      assert.doesNotMatch(code, /\bnode:|\bfrom ['"](crypto|zlib|fs|http|buffer)['"]/, `${file} names a Node built-in`);
    }
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
    assert.equal(manifest.dependencies, undefined, 'no runtime dependencies');
  });

  test('a drop-in superset of the official skytells@1.0.0: every export and every client method', async () => {
    const official = await import('skytells-official');
    const ours = await import(dist('index.js'));
    for (const name of Object.keys(official)) assert.ok(name in ours, `the official SDK exports ${name}; ours does not`);
    const methods = (prototype: object) => Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor');
    for (const name of methods(official.SkytellsClient.prototype)) assert.ok(name in ours.SkytellsClient.prototype, `no ${name} method`);
    for (const [key, value] of Object.entries(official.PredictionStatus)) assert.equal(ours.PredictionStatus[key], value, `PredictionStatus.${key}`);
  });

  test('ESM and CJS builds expose the same entry points, the official names among them', async () => {
    const esm = await import(dist('index.js'));
    const cjs = createRequire(import.meta.url)(dist('index.cjs'));
    for (const name of [
      'createClient',
      'SkytellsClient',
      'SkytellsError',
      'API_BASE_URL',
      'PredictionStatus',
      'createManagementClient',
      'startDeviceLogin',
      'pollDeviceToken',
      'deviceLogin',
    ]) {
      assert.ok(esm[name] !== undefined, `ESM lacks ${name}`);
      assert.ok(cjs[name] !== undefined, `CJS lacks ${name}`);
    }
    assert.equal(esm.default.createClient, esm.createClient);
    const server = await import(dist('server.js'));
    for (const name of ['verifyCredential', 'CredentialVerifier', 'skytellsFastify', 'skytellsExpress', 'skytellsHono'])
      assert.ok(server[name], `skytells/server lacks ${name}`);
    const error: any = new esm.SkytellsError('m', 'E', 'd', 401);
    assert.equal(error.name, 'SkytellsError');
    assert.deepEqual([error.message, error.errorId, error.details, error.httpStatus], ['m', 'E', 'd', 401]);
  });
});
