/**
 * The /device approval page, as served, run against the real server: its script executes in a
 * `node:vm` context with a minimal stand-in for the browser's DOM, and its requests go to the
 * server with the signed-in browser's cookie.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

interface FakeElement {
  id: string;
  hidden: boolean;
  value: string;
  textContent: string;
  children: FakeElement[];
  onclick?: () => unknown;
  onsubmit?: (event: { preventDefault(): void }) => unknown;
  replaceChildren(...children: FakeElement[]): void;
}

const element = (id: string): FakeElement => ({
  id,
  hidden: true,
  value: '',
  textContent: '',
  children: [],
  replaceChildren(...children) {
    this.children = children;
  },
});

/** Loads the page's HTML into fake elements and runs its script with `search` as the query string. */
function openPage(html: string, search: string, browser: TestClient) {
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
  const ids = (pattern: RegExp) => [...html.matchAll(pattern)].map((match) => match[1] ?? '');
  const elements = new Map(ids(/ id="([^"]+)"/g).map((id) => [id, element(id)]));
  const sections = ids(/<section id="([^"]+)"/g).map((id) => elements.get(id) ?? element(id));
  const requests: string[] = [];
  const inFlight: Promise<unknown>[] = [];
  const fetch = (path: string, init: { method: string; body?: string }) => {
    requests.push(`${init.method} ${path}`);
    const answer = browser
      .request(init.method, path, init.body === undefined ? {} : { body: JSON.parse(init.body) })
      .then((response) => ({ status: response.status, json: async () => response.body }));
    inFlight.push(answer);
    return answer;
  };
  const document = {
    getElementById: (id: string) => elements.get(id),
    querySelectorAll: (selector: string) => (selector === 'section' ? sections : []),
    createElement: () => element(''),
  };
  runInNewContext(script, { document, fetch, location: { search }, URLSearchParams, encodeURIComponent });
  /** Waits for the page's requests, then for what the page does with their answers. */
  const settle = async () => {
    while (inFlight.length > 0) await inFlight.shift();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const visible = () => sections.filter((s) => !s.hidden).map((s) => s.id);
  const byId = (id: string): FakeElement => {
    const found = elements.get(id);
    assert.ok(found, `the page has #${id}`);
    return found;
  };
  const click = (id: string) => {
    const { onclick } = byId(id);
    assert.ok(onclick, `#${id} can be clicked`);
    onclick();
  };
  return { byId, click, requests, settle, visible };
}

describe('the /device page', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('a code from the link is shown for comparison and looked up only once the user confirms it; the confirm step shows it again', async () => {
    const grant = (await t.client().post('/api/oauth/device', { client_name: 'Skytells CLI', scopes: ['account.read'] }, { noOrigin: true })).body;
    const browser = t.client();
    await browser.signup();
    const page = openPage((await t.client().get('/device')).text, `?user_code=${grant.user_code}`, browser);
    await page.settle();
    assert.deepEqual(page.requests, [], 'nothing is looked up before the user compares the code');
    assert.deepEqual(page.visible(), ['check']);
    assert.equal(page.byId('check-code').textContent, grant.user_code);

    page.click('matches');
    await page.settle();
    assert.deepEqual(page.requests, [`GET /api/oauth/device/${grant.user_code}`]);
    assert.deepEqual(page.visible(), ['confirm']);
    assert.equal(page.byId('confirm-code').textContent, grant.user_code);
    assert.equal(page.byId('client').textContent, 'Skytells CLI');

    page.click('approve');
    await page.settle();
    assert.deepEqual(page.visible(), ['result']);
    assert.match(page.byId('done').textContent, /^Approved/);
    const stored = await t.server.ctx.store.db
      .selectFrom('device_grants')
      .select('status')
      .where('user_code', '=', grant.user_code)
      .executeTakeFirst();
    assert.equal(stored?.status, 'approved');
  });

  test('a link whose code does not match lets the user type the code instead, looking nothing up', async () => {
    const browser = t.client();
    await browser.signup();
    const page = openPage((await t.client().get('/device')).text, '?user_code=BCDF-GHJK', browser);
    await page.settle();
    page.click('mismatch');
    await page.settle();
    assert.deepEqual(page.visible(), ['enter']);
    assert.equal(page.byId('code').value, '', 'the linked code is not kept');
    assert.deepEqual(page.requests, []);
  });
});
