/**
 * GET /device: the approval page of `skytells login`, server-rendered until the console
 * replaces it. The signed-in user enters (or confirms) the code, sees the client and the
 * scopes it asks for, and approves or denies through the session-only API. The page may not
 * be framed (no clickjacking of the Approve button) and runs only its own script.
 *
 * A code that arrives in the link (`?user_code=`) is only a suggestion: a phishing link
 * carries the attacker's code. The page shows it and looks nothing up until the user says it
 * matches the code in their terminal, and shows it again beside Approve.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const show = (id) => { for (const s of document.querySelectorAll('section')) s.hidden = s.id !== id; };
const api = (method, path, body) => fetch(path, { method, credentials: 'same-origin',
  headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
  .then(async (r) => ({ status: r.status, body: await r.json().catch(() => ({})) }));
let code = '';
async function lookUp() {
  const r = await api('GET', '/api/oauth/device/' + encodeURIComponent(code));
  if (r.status === 401) return show('signin');
  if (r.status !== 200) { $('error').textContent = r.body.error ? r.body.error.message : 'Something went wrong'; return show('enter'); }
  code = r.body.user_code;
  $('confirm-code').textContent = code;
  $('client').textContent = r.body.client_name;
  $('scopes').replaceChildren(...r.body.scopes.map((s) => Object.assign(document.createElement('li'), { textContent: s })));
  show('confirm');
}
async function decide(action) {
  const r = await api('POST', '/api/oauth/device/' + encodeURIComponent(code) + '/' + action);
  $('done').textContent = r.status === 200 ? (action === 'approve' ? 'Approved. You can return to your terminal.' : 'Denied. The CLI will not get a token.')
    : (r.body.error ? r.body.error.message : 'Something went wrong');
  show('result');
}
$('enter-form').onsubmit = (e) => { e.preventDefault(); code = $('code').value.trim(); lookUp(); };
$('signin-form').onsubmit = async (e) => {
  e.preventDefault();
  const r = await api('POST', '/api/v1/auth/signin', { email: $('email').value, password: $('password').value });
  if (r.status === 200) lookUp(); else $('signin-error').textContent = r.body.error ? r.body.error.message : 'Sign-in failed';
};
$('matches').onclick = () => lookUp();
$('mismatch').onclick = () => { code = ''; $('code').value = ''; show('enter'); };
$('approve').onclick = () => decide('approve');
$('deny').onclick = () => decide('deny');
const linked = new URLSearchParams(location.search).get('user_code');
if (linked) { code = linked; $('check-code').textContent = linked; show('check'); } else show('enter');
`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Skytells · Device login</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#111}
input,button{font:inherit;padding:.5rem;margin:.25rem 0;width:100%;box-sizing:border-box}
button.secondary{background:#eee;border:1px solid #ccc}.error{color:#b00020}code{font-size:1.2rem}</style></head>
<body><h1>Device login</h1>
<section id="enter" hidden><p>Enter the code shown by <code>skytells login</code>.</p>
<form id="enter-form"><input id="code" autocomplete="off" placeholder="BCDF-GHJK" aria-label="Code"><button>Continue</button></form>
<p id="error" class="error" role="alert"></p></section>
<section id="check" hidden><p>Check that this code is the one shown in your terminal by <code>skytells login</code>:</p>
<p><code id="check-code"></code></p>
<button id="matches">It matches</button><button id="mismatch" class="secondary">It does not match</button></section>
<section id="signin" hidden><p>Sign in to approve this login.</p>
<form id="signin-form"><input id="email" type="email" placeholder="Email" autocomplete="username" aria-label="Email">
<input id="password" type="password" placeholder="Password" autocomplete="current-password" aria-label="Password"><button>Sign in</button></form>
<p id="signin-error" class="error" role="alert"></p></section>
<section id="confirm" hidden><p>Code <code id="confirm-code"></code></p>
<p><strong id="client"></strong> asks for a personal access token with these scopes:</p><ul id="scopes"></ul>
<p>Approve only if you started this login yourself and the code above is the one in your terminal.</p>
<button id="approve">Approve</button><button id="deny" class="secondary">Deny</button></section>
<section id="result" hidden><p id="done"></p></section>
<script>${SCRIPT}</script></body></html>`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

export const devicePageRoute = () =>
  defineRoute({
    method: 'GET',
    url: '/device',
    summary: 'The device-login approval page (HTML)',
    tag: 'OAuth',
    auth: 'none',
    response: {
      status: 200,
      schema: z.string(),
      description: 'An HTML page',
      contentType: 'text/html; charset=utf-8',
      headers: {
        'content-security-policy': "Only the page's own script runs; it may not be framed, submit forms elsewhere or connect to another origin",
        'x-frame-options': 'DENY: never framed',
        'cache-control': 'no-store',
      },
    },
    async handler({ reply }) {
      reply.headers({
        'content-security-policy': `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'`,
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
      return PAGE;
    },
  });
