import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changesState, type OriginEvidence, originEvidence } from './csrf.js';

const CONSOLE = 'https://console.example.com';
const evidence = (origin: string | undefined, secFetchSite: string | undefined): OriginEvidence => originEvidence({ origin, secFetchSite }, CONSOLE);

describe('origin evidence (CSRF)', () => {
  test('an Origin header decides whenever it names an origin: only the exact console origin is ours', () => {
    assert.equal(evidence(CONSOLE, undefined), 'same-origin');
    assert.equal(evidence(CONSOLE, 'cross-site'), 'same-origin', 'Origin outranks Sec-Fetch-Site');
    for (const other of [
      'https://evil.example',
      'http://console.example.com',
      'https://console.example.com:8443',
      'https://console.example.com.evil.example',
      'https://sub.console.example.com',
      'HTTPS://CONSOLE.EXAMPLE.COM',
    ]) {
      assert.equal(evidence(other, 'same-origin'), 'cross-site', other);
    }
  });

  test('without Origin, Sec-Fetch-Site decides; a sibling subdomain (same-site) is not our origin', () => {
    assert.equal(evidence(undefined, 'same-origin'), 'same-origin');
    assert.equal(evidence(undefined, 'same-site'), 'cross-site');
    assert.equal(evidence(undefined, 'cross-site'), 'cross-site');
  });

  test('an opaque Origin (null) is another site unless the browser says same-origin', () => {
    assert.equal(evidence('null', undefined), 'cross-site');
    assert.equal(evidence('null', 'cross-site'), 'cross-site');
    assert.equal(evidence('null', 'same-origin'), 'same-origin');
  });

  test('no Origin and no or an unhelpful Sec-Fetch-Site is no evidence either way', () => {
    assert.equal(evidence(undefined, undefined), 'unknown');
    assert.equal(evidence(undefined, 'none'), 'unknown', 'a navigation the user started');
  });

  test('only safe methods leave state alone', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) assert.equal(changesState(method), false, method);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.equal(changesState(method), true, method);
  });
});
