/**
 * The browser tests' harness: Debian's Chromium driven by playwright-core, a real server
 * process on a fresh SQLite file, axe-core run inside each page, screenshots into
 * packages/console/screenshots/ (git-ignored, left behind by the run).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createTestDatabase } from '../../server/src/test-support/database.ts';
import { type ServerProcess, spawnServer } from '../../server/src/test-support/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const CONSOLE_BUILD = fileURLToPath(new URL('../dist/index.html', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  assert.ok(existsSync(CONSOLE_BUILD), 'the console is not built: run `npm run build`');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** The built server on a fresh SQLite database; batches flushed every 100 ms so "last used" shows soon. */
export async function startServer(env: Record<string, string> = {}): Promise<{ server: ServerProcess; databaseUrl: string; stop(): Promise<void> }> {
  const db = await createTestDatabase();
  const server = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '100', ...env });
  return {
    server,
    databaseUrl: db.env.DATABASE_URL ?? '',
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      await db.drop();
    },
  };
}

/** Fails the test on any script error or console error (a CSP refusal among them). */
export function watchErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A failed request is the page showing an error state on purpose (401 on sign-in, a
    // refused key): those are asserted where they happen; anything else is a fault.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return () => errors.splice(0);
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core inside the page (evaluated over CDP, so the page's CSP does not stop it): no serious or critical violation. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(await axeSource);
  const violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } }).axe.run(document);
    return result.violations as never;
  });
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    severe.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe on ${name}`,
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Asserts a secret is nowhere in the page: not in its DOM, not in either storage. */
export async function assertSecretGone(page: Page, secret: string): Promise<void> {
  // A string, not a function: the test runner's transform would add helpers the page lacks.
  const found = await page.evaluate(`(() => {
    const text = ${JSON.stringify(secret)};
    const storage = (s) => Array.from({ length: s.length }, (_, i) => s.key(i) + '=' + s.getItem(s.key(i))).join('\\n');
    return {
      dom: document.body.innerHTML.includes(text),
      local: storage(localStorage).includes(text),
      session: storage(sessionStorage).includes(text),
      inputs: Array.from(document.querySelectorAll('input')).some((input) => input.value.includes(text)),
    };
  })()`);
  assert.deepEqual(found, { dom: false, local: false, session: false, inputs: false });
}
