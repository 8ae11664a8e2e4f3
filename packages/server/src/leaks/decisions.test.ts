import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { exposureWindow, statusOf, usageLink } from './decisions.js';
import { verifyGithubSignature } from './github-signature.js';

describe('leak decisions', () => {
  test('status: unknown, live (grace period included), revoked (revoked or expired)', () => {
    assert.equal(statusOf(undefined, 100), 'unknown');
    assert.equal(statusOf({ revokedAt: null, expiresAt: null }, 100), 'live');
    assert.equal(statusOf({ revokedAt: 200, expiresAt: null }, 100), 'live');
    assert.equal(statusOf({ revokedAt: 100, expiresAt: null }, 100), 'revoked');
    assert.equal(statusOf({ revokedAt: null, expiresAt: 50 }, 100), 'revoked');
  });

  test('the exposure window starts when first seen, never before the credential existed', () => {
    assert.deepEqual(exposureWindow({ createdAt: 1000 }, 1500, 3000), { from: 1500, to: 3000 });
    assert.deepEqual(exposureWindow({ createdAt: 1000 }, 10, 3000), { from: 1000, to: 3000 });
    assert.deepEqual(exposureWindow({ createdAt: 1000 }, undefined, 3000), { from: 1000, to: 3000 });
    assert.deepEqual(exposureWindow({ createdAt: 1000 }, 9000, 3000), { from: 3000, to: 3000 });
    assert.equal(
      usageLink('key_1', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) }),
      '/usage?key_id=key_1&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z',
    );
  });

  test('GitHub signatures: only the exact body, signed by a configured key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = new Map([['k1', publicKey.export({ type: 'spki', format: 'pem' }).toString()]]);
    const body = '[{"token":"x","type":"t","url":"u","source":"content"}]';
    const signature = sign('sha256', Buffer.from(body), privateKey).toString('base64');
    assert.equal(verifyGithubSignature(body, 'k1', signature, keys), true);
    assert.equal(verifyGithubSignature(`${body} `, 'k1', signature, keys), false);
    assert.equal(verifyGithubSignature(body, 'k2', signature, keys), false);
    assert.equal(verifyGithubSignature(body, 'k1', undefined, keys), false);
    assert.equal(verifyGithubSignature(body, 'k1', 'not base64 at all', keys), false);
  });
});
