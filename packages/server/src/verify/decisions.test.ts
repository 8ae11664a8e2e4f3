import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INVALID, verificationOf } from './decisions.js';
import type { VerifiedCredential } from './verifier.js';

const key: VerifiedCredential = { kind: 'api_key', credentialId: 'key_1', accountId: 'acc_1', expiresAt: null, scopes: [], usageNote: null };
const token: VerifiedCredential = {
  kind: 'personal_access_token',
  credentialId: 'tok_1',
  accountId: 'acc_1',
  expiresAt: Date.UTC(2030, 0, 1),
  scopes: ['keys.read', 'inference'],
  usageNote: null,
};

describe('verificationOf', () => {
  test('a key of the asking account: its id and the one scope a key holds', () => {
    assert.deepEqual(verificationOf(key, 'acc_1', []), {
      valid: true,
      kind: 'api_key',
      account_id: 'acc_1',
      key_id: 'key_1',
      scopes: ['inference'],
      expires_at: null,
    });
    assert.equal(verificationOf(key, 'acc_1', ['inference']).valid, true);
  });

  test('a token: its id, scopes and expiry', () => {
    assert.deepEqual(verificationOf(token, 'acc_1', ['keys.read']), {
      valid: true,
      kind: 'personal_access_token',
      account_id: 'acc_1',
      token_id: 'tok_1',
      scopes: ['keys.read', 'inference'],
      expires_at: '2030-01-01T00:00:00.000Z',
    });
  });

  test('nothing found and another account are the same answer', () => {
    assert.deepEqual(verificationOf(null, 'acc_1', []), INVALID);
    assert.deepEqual(verificationOf(key, 'acc_2', []), INVALID);
    assert.deepEqual(verificationOf(token, 'acc_2', ['audit.read']), INVALID, 'no scope news about another account');
  });

  test('missing scopes of an own live credential are named', () => {
    assert.deepEqual(verificationOf(key, 'acc_1', ['inference', 'keys.read']), {
      valid: false,
      error: 'insufficient_scope',
      missing_scopes: ['keys.read'],
    });
    assert.deepEqual(verificationOf(token, 'acc_1', ['audit.read']), { valid: false, error: 'insufficient_scope', missing_scopes: ['audit.read'] });
  });
});
