import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RouteAuth } from '../http/route.js';
import { type Authenticator, authenticatorFor } from './route-authenticator.js';

describe('hook selection', () => {
  test("each route auth kind gets its authenticator; API keys only ever on 'inference'", () => {
    const expected: Record<RouteAuth, Authenticator> = {
      none: 'public',
      session: 'session-or-token',
      account: 'session-or-token',
      inference: 'api-key-or-token',
    };
    for (const [auth, authenticator] of Object.entries(expected)) {
      assert.equal(authenticatorFor(auth as RouteAuth), authenticator, auth);
    }
  });

  test('a kind the type does not know (a declaration that slipped past the compiler) is refused, not served as public', () => {
    assert.throws(() => authenticatorFor('admin' as RouteAuth), /route auth admin has no authenticator/);
  });
});
