import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSessionCookie, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookie, sessionCookiePolicy } from './session-cookie.js';

const A = 'A'.repeat(43);
const B = `${'b'.repeat(42)}_`;

describe('session cookie policy', () => {
  test('an https PUBLIC_URL makes it Secure and __Host- even when the request reached us as plain http', () => {
    assert.deepEqual(sessionCookiePolicy('https://console.example.com', 'http'), { name: SECURE_SESSION_COOKIE, secure: true });
    assert.deepEqual(sessionCookiePolicy('https://console.example.com', 'https'), { name: SECURE_SESSION_COOKIE, secure: true });
  });

  test('without PUBLIC_URL, the request decides: over TLS (as a trusted proxy says) Secure, else plain', () => {
    assert.deepEqual(sessionCookiePolicy(undefined, 'https'), { name: SECURE_SESSION_COOKIE, secure: true });
    assert.deepEqual(sessionCookiePolicy(undefined, 'http'), { name: SESSION_COOKIE, secure: false });
  });

  test('plain-http local development: the unprefixed name, which browsers accept without Secure', () => {
    assert.deepEqual(sessionCookiePolicy('http://localhost:8080', 'http'), { name: SESSION_COOKIE, secure: false });
  });
});

describe('Set-Cookie', () => {
  test('__Host-: Secure, Path=/ and no Domain, as browsers demand of the prefix', () => {
    const header = sessionCookie(sessionCookiePolicy('https://console.example.com', 'http'), A, 3600);
    assert.equal(header, `__Host-skytells_session=${A}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure`);
    assert.doesNotMatch(header, /domain=/i);
  });

  test('plain http: no Secure, so a browser on http keeps it', () => {
    assert.equal(sessionCookie(sessionCookiePolicy(undefined, 'http'), A, 60), `skytells_session=${A}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60`);
  });
});

describe('reading the session cookie', () => {
  test('one well-formed cookie of the name, among others', () => {
    assert.equal(readSessionCookie(`skytells_session=${A}`, SESSION_COOKIE), A);
    assert.equal(readSessionCookie(`theme=dark; skytells_session=${A}; lang=en`, SESSION_COOKIE), A);
    assert.equal(readSessionCookie(`theme=dark;__Host-skytells_session=${A}`, SECURE_SESSION_COOKIE), A);
  });

  test('none, or only cookies of other names', () => {
    assert.equal(readSessionCookie(undefined, SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie('', SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`skytells_session_old=${A}; xskytells_session=${A}`, SESSION_COOKIE), undefined);
    // On https only the __Host- cookie counts: a plain one may come from anywhere on the site.
    assert.equal(readSessionCookie(`skytells_session=${A}`, SECURE_SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`__Host-skytells_session=${A}`, SESSION_COOKIE), undefined);
  });

  test('a malformed value is no session', () => {
    for (const value of ['', 'short', `${A}A`, `${A.slice(1)}=`, `${A.slice(1)}.`]) {
      assert.equal(readSessionCookie(`skytells_session=${value}`, SESSION_COOKIE), undefined, value);
    }
  });

  test('two cookies of the name are no session, whatever their order or values', () => {
    assert.equal(readSessionCookie(`skytells_session=${A}; skytells_session=${B}`, SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`skytells_session=${B}; theme=dark; skytells_session=${A}`, SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`skytells_session=${A}; skytells_session=${A}`, SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`skytells_session=${A}; skytells_session=garbage`, SESSION_COOKIE), undefined);
    assert.equal(readSessionCookie(`__Host-skytells_session=${A};__Host-skytells_session=${B}`, SECURE_SESSION_COOKIE), undefined);
  });
});
