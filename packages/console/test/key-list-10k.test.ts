/**
 * The key list with 10,000 keys, measured in Chromium: time to the first rows of the page and
 * time from typing a name to the matching row (the 250 ms the search waits after the last
 * keystroke included). The keys are created through the API, 16 at a time, by the signed-in
 * account. Figures are printed as test diagnostics; the README quotes them.
 *
 * Reproduce: `npm run build && node --import tsx --test packages/console/test/key-list-10k.test.ts`
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { issueApiKeyRow } from '../../server/src/keys/create-api-key.ts';
import { insertKey } from '../../server/src/keys/repository.ts';
import { parseDatabaseUrl } from '../../server/src/store/database-url.ts';
import { openStore } from '../../server/src/store/store.ts';
import { TestClient } from '../../server/src/test-support/client.ts';
import { launchBrowser, startServer } from './browser.ts';

const KEYS = 10_000;
const PASSWORD = 'correct horse battery staple';
const name = (i: number) => `service-${String(i).padStart(5, '0')}`;

let browser: Browser;
let url: string;
let databaseUrl: string;
let stop: () => Promise<void>;

before(async () => {
  const started = await startServer();
  url = started.server.url;
  databaseUrl = started.databaseUrl;
  stop = started.stop;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

test(`the key list stays responsive with ${KEYS.toLocaleString('en')} keys`, async (t) => {
  const client = new TestClient(url);
  const { account } = await client.signup({ email: 'many@example.com', password: PASSWORD });
  const seeding = Date.now();
  const store = await openStore(parseDatabaseUrl(databaseUrl));
  try {
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < KEYS; i++) await insertKey(trx, issueApiKeyRow(account.id, name(i), seeding - (KEYS - i) * 1000).row);
    });
  } finally {
    await store.close();
  }
  t.diagnostic(`seeded ${KEYS} keys through the store in ${Date.now() - seeding} ms`);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}/auth/signin`);
  await page.getByLabel('Email').fill('many@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/settings/api-keys`);

  // A cold load of the page: from navigation start to the first rows on screen.
  await page.goto(`${url}/settings/api-keys`);
  await page.waitForSelector('tbody tr');
  const firstRows = await page.evaluate(() => Math.round(performance.now()));
  await page.getByText(`${KEYS.toLocaleString()} keys`).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 20);

  const wanted = name(7777);
  const typed = Date.now();
  await page.getByLabel('Search keys by name').fill(wanted);
  await page.waitForFunction((text) => {
    const rows = document.querySelectorAll('tbody tr');
    return rows.length === 1 && rows[0]?.querySelector('th')?.textContent === text;
  }, wanted);
  const searched = Date.now() - typed;
  t.diagnostic(`time to first rows: ${firstRows} ms; time to a search result: ${searched} ms (250 ms of it the wait after typing)`);
  // Bounds far above the figures measured, so a slow shared machine does not fail it, while a
  // page that loads every key (or a search that scans in the browser) would.
  assert.ok(firstRows < 5000, `first rows after ${firstRows} ms`);
  assert.ok(searched < 3000, `search answered after ${searched} ms`);
});
