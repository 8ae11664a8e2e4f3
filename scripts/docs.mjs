#!/usr/bin/env node
/**
 * `npm run docs`: writes docs/api.md from the OpenAPI document that a freshly started server
 * (the built one, on a throw-away SQLite file) serves at /api/openapi.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../packages/server/dist/config/config.js';
import { renderApiDocs } from '../packages/server/dist/http/api-docs.js';
import { startServer } from '../packages/server/dist/server.js';

const directory = mkdtempSync(join(tmpdir(), 'skytells-docs-'));
const server = await startServer(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: join(directory, 'docs.db') }));
try {
  const response = await fetch(`${server.url}/api/openapi.json`);
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  const target = new URL('../docs/api.md', import.meta.url);
  writeFileSync(target, renderApiDocs(await response.json()));
  process.stdout.write(`wrote ${target.pathname}\n`);
} finally {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
}
