import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterGuardedWrite,
  type CredentialFacts,
  decideRevocation,
  decideRotation,
  isLive,
  type RotationRequest,
  successorExpiry,
} from './decisions.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 10);

const credential = (overrides: Partial<CredentialFacts> = {}): CredentialFacts => ({
  id: 'tok_old',
  accountId: 'acc_1',
  hash: 'h-old',
  createdAt: NOW - 2 * DAY,
  expiresAt: NOW + 5 * DAY,
  revokedAt: null,
  replacedBy: null,
  scopes: ['account.read', 'tokens.write'],
  ...overrides,
});

const request = (overrides: Partial<RotationRequest> = {}): RotationRequest => ({
  now: NOW,
  by: 'token',
  gracePeriodSeconds: 0,
  maxLifetimeDays: undefined,
  ...overrides,
});

const rotated = (decision: ReturnType<typeof decideRotation>) => {
  assert.equal(decision.action, 'rotate');
  return decision as Extract<typeof decision, { action: 'rotate' }>;
};

describe('isLive', () => {
  test('a grace period still running is live; its end, an expiry or a revocation is not', () => {
    assert.equal(isLive({ revokedAt: null, expiresAt: null }, NOW), true);
    assert.equal(isLive({ revokedAt: NOW + 1, expiresAt: null }, NOW), true);
    assert.equal(isLive({ revokedAt: NOW, expiresAt: null }, NOW), false);
    assert.equal(isLive({ revokedAt: null, expiresAt: NOW }, NOW), false);
  });
});

describe('decideRevocation', () => {
  test('revokes now what is not revoked yet, including a credential inside its grace period', () => {
    assert.deepEqual(decideRevocation({ revokedAt: null }, NOW), { action: 'revoke', revokedAt: NOW });
    assert.deepEqual(decideRevocation({ revokedAt: NOW + 60_000 }, NOW), { action: 'revoke', revokedAt: NOW });
  });

  test('leaves a revoked credential as it was revoked: idempotent', () => {
    assert.deepEqual(decideRevocation({ revokedAt: NOW - 1 }, NOW), { action: 'none' });
    assert.deepEqual(decideRevocation({ revokedAt: NOW }, NOW), { action: 'none' });
  });
});

describe('decideRotation', () => {
  test('refuses a dead credential as missing, and one rotated already (in its grace or past it) naming its successor', () => {
    assert.deepEqual(decideRotation(credential({ revokedAt: NOW - 1 }), undefined, request()), { action: 'refuse', reason: 'not_found' });
    assert.deepEqual(decideRotation(credential({ expiresAt: NOW }), undefined, request()), { action: 'refuse', reason: 'not_found' });
    for (const revokedAt of [NOW + 1000, NOW]) {
      assert.deepEqual(decideRotation(credential({ replacedBy: 'tok_next', revokedAt }), undefined, request()), {
        action: 'refuse',
        reason: 'already_rotated',
        successorId: 'tok_next',
      });
    }
  });

  test('keeps or narrows scopes, never widens them', () => {
    assert.deepEqual(rotated(decideRotation(credential(), undefined, request())).successor.scopes, ['account.read', 'tokens.write']);
    assert.deepEqual(rotated(decideRotation(credential(), undefined, request({ scopes: ['account.read'] }))).successor.scopes, ['account.read']);
    assert.deepEqual(decideRotation(credential(), undefined, request({ scopes: ['account.read', 'keys.write'] })), {
      action: 'refuse',
      reason: 'widens_scopes',
      allowed: ['account.read', 'tokens.write'],
    });
  });

  test('the old credential stops now, or at the end of its grace period', () => {
    assert.equal(rotated(decideRotation(credential(), undefined, request())).graceEndsAt, NOW);
    assert.equal(rotated(decideRotation(credential(), undefined, request({ gracePeriodSeconds: 3600 }))).graceEndsAt, NOW + 3600_000);
  });

  test("ends the grace period of the old credential's own predecessor if it still runs, and only then", () => {
    const running = { id: 'tok_first', revokedAt: NOW + 60_000, hash: 'h-first' };
    assert.equal(rotated(decideRotation(credential(), running, request())).endGraceOf, running);
    assert.equal(rotated(decideRotation(credential(), { ...running, revokedAt: NOW }, request())).endGraceOf, null);
    assert.equal(rotated(decideRotation(credential(), undefined, request())).endGraceOf, null);
  });

  test('an API key (no expiry, no scopes, no cap) rotates into a key that never expires', () => {
    const key = credential({ id: 'key_1', expiresAt: null, scopes: [] });
    assert.deepEqual(rotated(decideRotation(key, undefined, request({ by: 'session' }))).successor, { expiresAt: null, scopes: [] });
  });

  test('an expiry the operator forbids is refused with the reason', () => {
    const decision = decideRotation(credential(), undefined, request({ by: 'session', expiresInDays: 365, maxLifetimeDays: 30 }));
    assert.equal(decision.action, 'refuse');
    assert.match((decision as { problem: string }).problem, /at most 30 days/);
  });
});

describe('successorExpiry', () => {
  const old = credential({ createdAt: NOW - 2 * DAY, expiresAt: NOW + 5 * DAY });

  test('a token rotating itself never ends later than it would have, whatever it asks for', () => {
    assert.deepEqual(successorExpiry(old, request({ expiresInDays: 365 })), { expiresAt: NOW + 5 * DAY });
    assert.deepEqual(successorExpiry(old, request()), { expiresAt: NOW + 5 * DAY }, 'by default it keeps its end');
  });

  test('a token rotating itself may shorten its life', () => {
    const long = credential({ createdAt: NOW - DAY, expiresAt: NOW + 89 * DAY });
    assert.deepEqual(successorExpiry(long, request({ expiresInDays: 7 })), { expiresAt: NOW + 7 * DAY });
  });

  test('a console session may renew it: the requested window, or the old window length, from now', () => {
    assert.deepEqual(successorExpiry(old, request({ by: 'session', expiresInDays: 365 })), { expiresAt: NOW + 365 * DAY });
    assert.deepEqual(successorExpiry(old, request({ by: 'session' })), { expiresAt: NOW + 7 * DAY });
  });

  test("a console session's renewal stays within the operator cap", () => {
    assert.deepEqual(
      successorExpiry(credential({ createdAt: NOW - DAY, expiresAt: NOW + 89 * DAY }), request({ by: 'session', maxLifetimeDays: 30 })),
      {
        expiresAt: NOW + 30 * DAY,
      },
    );
    assert.ok('problem' in successorExpiry(old, request({ by: 'session', expiresInDays: 90, maxLifetimeDays: 30 })));
  });

  test('no expiry stays no expiry, unless the operator requires one', () => {
    const forever = credential({ expiresAt: null });
    assert.deepEqual(successorExpiry(forever, request()), { expiresAt: null });
    assert.deepEqual(successorExpiry(forever, request({ expiresInDays: 30 })), { expiresAt: NOW + 30 * DAY });
    assert.ok('problem' in successorExpiry(forever, request({ maxLifetimeDays: 90 })));
  });
});

describe('afterGuardedWrite', () => {
  test('one changed row: this request won', () => {
    assert.deepEqual(afterGuardedWrite('rotate', 1n), { outcome: 'applied' });
    assert.deepEqual(afterGuardedWrite('revoke', 1n), { outcome: 'applied' });
  });

  test('no changed row: a rotation is a conflict, a revocation answers the row as it now is', () => {
    assert.deepEqual(afterGuardedWrite('rotate', 0n), { outcome: 'conflict' });
    assert.deepEqual(afterGuardedWrite('revoke', 0n), { outcome: 'answer_current_row' });
  });
});
