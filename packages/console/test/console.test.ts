/**
 * The console as a new user meets it, in Chromium against the built server: sign up, the key
 * lifecycle, the token lifecycle, a device login, usage and its drill-down, the audit log,
 * the account page and sign-out. Each main page is checked by axe-core and saved as a
 * screenshot. The test talks to the API only where a user would use a credential outside the
 * console (calling /v1/models with the new key, starting `skytells login`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, assertSecretGone, launchBrowser, screenshot, startServer, watchErrors } from './browser.ts';

const PASSWORD = 'correct horse battery staple';

describe('the console in a browser', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let stop: () => Promise<void>;
  let errors: () => string[];
  let apiKey = '';
  let token = '';
  let predictionId = '';

  before(async () => {
    const started = await startServer();
    url = started.server.url;
    stop = started.stop;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  });
  after(async () => {
    await browser?.close();
    await stop?.();
  });

  const v1Models = (key: string) => fetch(`${url}/v1/models`, { headers: { 'x-api-key': key } });
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

  test('a signed-out visitor is sent to sign-in and, after signing up, back to the page asked for', async () => {
    const response = await page.goto(`${url}/settings/api-keys`);
    assert.equal(response?.status(), 200);
    const headers = response?.headers() ?? {};
    assert.match(headers['content-security-policy'] ?? '', /script-src 'self'/);
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-inline/);
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.equal(headers['referrer-policy'], 'no-referrer');
    await page.waitForURL(/\/auth\/signin\?next=%2Fsettings%2Fapi-keys$/);
    await page.getByRole('heading', { name: 'Sign in to Skytells' }).waitFor();
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /invalid|incorrect/i })
      .waitFor();
    await assertAccessible(page, 'sign-in');
    await screenshot(page, 'signin');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your Skytells account' }).waitFor();
    await assertAccessible(page, 'sign-up');
    await screenshot(page, 'signup');
    await page.getByLabel('Name').fill('Ada Developer');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${url}/settings/api-keys`);
    await page.getByText('You have no API keys yet').waitFor();
    await assertAccessible(page, 'API keys (empty)');
  });

  test('the keyboard alone opens the generate dialog, and Escape closes it', async () => {
    const generate = page.getByRole('button', { name: 'Generate New API Key' });
    await generate.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Generate New API Key' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Name').evaluate((input) => input === document.activeElement), true, 'focus moves into the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('generate a key: shown once, closing before copying asks first, then it is gone from the page', async () => {
    await page.getByRole('button', { name: 'Generate New API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate New API Key' });
    await dialog.getByLabel('Name').fill('production-backend');
    await dialog.getByRole('button', { name: 'Generate key' }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await shown.getByText('You will not be able to see it again').waitFor();
    apiKey = await shown.getByLabel('Your new API key').inputValue();
    assert.match(apiKey, /^sk-[0-9A-Za-z]{32}$/);
    await assertAccessible(page, 'the once-only key dialog');
    await screenshot(page, 'api-key-created');
    // While the key is on screen, leaving the page asks first.
    assert.equal(await page.evaluate(() => window.dispatchEvent(new Event('beforeunload', { cancelable: true }))), false);

    await shown.getByRole('button', { name: 'Close' }).click();
    await shown.getByText('You have not copied this API key').waitFor();
    await shown.getByRole('button', { name: 'Close without copying' }).click();
    await shown.waitFor({ state: 'detached' });
    await row('production-backend').getByText('Never used').waitFor();
    await assertSecretGone(page, apiKey);
    assert.equal(await page.evaluate(() => window.dispatchEvent(new Event('beforeunload', { cancelable: true }))), true);
  });

  test('the key works against /v1/models, and after a reload the list shows it was used', async () => {
    const response = await v1Models(apiKey);
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(await response.json()));
    for (let attempt = 0; ; attempt++) {
      await page.reload();
      await row('production-backend').waitFor();
      if ((await row('production-backend').getByText('Never used').count()) === 0) break;
      assert.ok(attempt < 40, 'last used never appeared');
      await page.waitForTimeout(250);
    }
    const lastUsed = row('production-backend').locator('time').nth(1);
    assert.match((await lastUsed.textContent()) ?? '', /now|second|minute/);
    assert.ok(await lastUsed.getAttribute('title'), 'the exact time is on hover');
    await assertAccessible(page, 'API keys');
    await screenshot(page, 'api-keys');
  });

  test('a prediction with the key, before it is revoked', async () => {
    const created = await fetch(`${url}/v1/predictions`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sandbox-image', input: { prompt: 'a lighthouse' } }),
    });
    assert.equal(created.status, 201);
    predictionId = ((await created.json()) as { id: string }).id;
  });

  test('revoke: the confirmation says it cannot be undone, the row updates at once, the API refuses the key', async () => {
    await page.getByRole('button', { name: 'Revoke production-backend' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “production-backend”?' });
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('production-backend').getByText('Revoked').waitFor();
    assert.equal((await v1Models(apiKey)).status, 401);
  });

  test('usage: the revoked key links to its requests since creation, with the drill-down per minute', async () => {
    await row('production-backend')
      .getByRole('link', { name: /Usage of production-backend/ })
      .click();
    await page.waitForURL(/\/usage\?key_id=/);
    const requests = page.getByRole('region', { name: 'Requests of this key, per minute' });
    for (let attempt = 0; (await requests.getByRole('cell', { name: 'GET /v1/models' }).count()) === 0; attempt++) {
      assert.ok(attempt < 40, 'the request never appeared in the drill-down');
      await page.waitForTimeout(250);
      await page.reload();
    }
    const event = requests.getByRole('row').filter({ hasText: 'GET /v1/models' }).first();
    await event.getByRole('cell', { name: '200', exact: true }).waitFor();
    await event.getByRole('cell', { name: '127.0.0.1' }).waitFor();
    await page.getByRole('region', { name: 'Per key' }).getByRole('rowheader', { name: 'production-backend' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    const predictions = page.getByRole('region', { name: 'Predictions of this key' });
    const prediction = predictions.getByRole('row').filter({ hasText: predictionId });
    await prediction.getByRole('cell', { name: 'sandbox-image' }).waitFor();
    assert.match((await prediction.locator('td.num').textContent()) ?? '', /^\$\d+\.\d{4,}$/);
    await assertAccessible(page, 'usage with drill-down');
    await screenshot(page, 'usage');
  });

  test('tokens: create with scopes whose meanings come from the server and an expiry, copy it, use it', async () => {
    await page.getByRole('link', { name: 'Tokens', exact: true }).click();
    await page.getByText('You have no personal access tokens yet.').waitFor();
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create personal access token' });
    await dialog.getByLabel('Name').fill('ci-deploy');
    await dialog.getByRole('checkbox', { name: /keys\.read List and read API keys/ }).check();
    await dialog.getByRole('checkbox', { name: /usage\.read/ }).check();
    await dialog.getByLabel('Expiration').selectOption({ label: '7 days' });
    await assertAccessible(page, 'create token dialog');
    await screenshot(page, 'token-create');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: 'Your new personal access token' });
    token = await shown.getByLabel('Your new token').inputValue();
    assert.match(token, /^sk_pat_[0-9a-f]{64}$/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('The token is on your clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await assertSecretGone(page, token);

    const listed = row('ci-deploy');
    await listed.getByText('keys.read').waitFor();
    await listed.getByText('usage.read').waitFor();
    await listed.getByText('Expiring soon').waitFor();
    const keys = await fetch(`${url}/api/v1/keys`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(keys.status, 200);
    await assertAccessible(page, 'tokens');
    await screenshot(page, 'tokens');
  });

  test('tokens: rotate with the scopes preset, narrowed, and a grace period for the old one', async () => {
    await page.getByRole('button', { name: 'Rotate ci-deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate “ci-deploy”' });
    assert.equal(await dialog.getByRole('checkbox').count(), 2, 'only the scopes it holds: a rotation cannot widen');
    assert.ok(await dialog.getByRole('checkbox', { name: /keys\.read/ }).isChecked());
    await dialog.getByRole('checkbox', { name: /usage\.read/ }).uncheck();
    await dialog.getByLabel('Old token keeps working for').selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    const shown = page.getByRole('dialog', { name: 'New token for “ci-deploy”' });
    const rotated = await shown.getByLabel('Your new token').inputValue();
    assert.notEqual(rotated, token);
    await shown.getByRole('button', { name: 'Close' }).click();
    await shown.getByRole('button', { name: 'Close without copying' }).click();
    await assertSecretGone(page, rotated);

    const rows = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'ci-deploy' }) });
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
    assert.equal(await rows.filter({ hasText: 'usage.read' }).count(), 1, 'the old token keeps its scopes, the new one dropped usage.read');
    await rows
      .filter({ hasText: 'usage.read' })
      .getByText(/ends in/)
      .waitFor();
    const narrowed = await fetch(`${url}/api/v1/usage`, { headers: { authorization: `Bearer ${rotated}` } });
    assert.equal(narrowed.status, 403);
    assert.equal((await fetch(`${url}/api/v1/keys`, { headers: { authorization: `Bearer ${rotated}` } })).status, 200);
  });

  test('device login: started through the API, confirmed and approved in the console', async () => {
    const started = await fetch(`${url}/api/oauth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'skytells CLI on laptop', scopes: ['inference', 'keys.read'] }),
    });
    assert.equal(started.status, 200);
    const grant = (await started.json()) as { device_code: string; user_code: string };
    await page.goto(`${url}/device?user_code=${grant.user_code}`);
    await page.getByText(grant.user_code).waitFor();
    await assertAccessible(page, 'device (check the code)');
    await page.getByRole('button', { name: 'It matches' }).click();
    await page.getByText('skytells CLI on laptop').waitFor();
    await page.getByText('keys.read').waitFor();
    await assertAccessible(page, 'device (approve)');
    await screenshot(page, 'device');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved. You can return to your terminal.').waitFor();
    const poll = await fetch(`${url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: grant.device_code }),
    });
    assert.equal(poll.status, 200);
    assert.deepEqual(((await poll.json()) as { scopes: string[] }).scopes.sort(), ['inference', 'keys.read']);
  });

  test('the audit log lists what was done, and filters by type', async () => {
    await page.goto(`${url}/audit`);
    const table = page.getByRole('table', { name: 'Audit events' });
    for (const type of ['key.created', 'key.revoked', 'token.created', 'token.rotated'])
      await table.getByText(type, { exact: true }).first().waitFor();
    await assertAccessible(page, 'audit');
    await screenshot(page, 'audit');
    await page.getByLabel('Type').selectOption('key.revoked');
    await page.waitForURL(/type=key\.revoked/);
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr td:nth-child(2)')].every((cell) => cell.textContent === 'key.revoked'));
    assert.equal(await table.getByRole('row').count(), 2);
  });

  test('at 360 px wide every page fits without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ['/settings/api-keys', '/settings/tokens', '/usage', '/audit', '/account', '/device']) {
      await page.goto(`${url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${path} is ${width} px wide`);
    }
    await page.goto(`${url}/settings/api-keys`);
    await page.getByRole('table').waitFor();
    await screenshot(page, 'api-keys-360px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('change password, then sign out; signing in again with the new password works', async () => {
    await page.goto(`${url}/account`);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('a different long passphrase');
    await page.getByLabel('Repeat the new password').fill('a different long passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await assertAccessible(page, 'account');
    await screenshot(page, 'account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/auth\/signin/);
    await page.goto(`${url}/audit`);
    await page.waitForURL(/\/auth\/signin\?next=%2Faudit/);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a different long passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/audit`);
    await page.getByRole('table', { name: 'Audit events' }).getByText('account.password_changed').waitFor();
  });

  test('no page logged a script error or a CSP refusal', () => {
    assert.deepEqual(errors(), []);
  });
});
