import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SkytellsError } from 'skytells';
import { CliError, EXIT } from './errors.js';
import { describeFailure } from './program.js';

const URL = 'http://127.0.0.1:9';

describe('failures become one message and an exit code', () => {
  test('401 and a malformed credential: authentication refused (4), with the next step', () => {
    const refused = describeFailure(new SkytellsError('Invalid API key', 'UNAUTHORIZED', 'Please sign in', 401, { requestId: 'req_1' }), URL);
    assert.equal(refused.code, EXIT.auth);
    assert.match(refused.message, /Invalid API key: Please sign in \(request req_1\)/);
    assert.match(refused.hint ?? '', /skytells login/);
    assert.equal(describeFailure(new SkytellsError('Not a token', 'INVALID_CREDENTIAL', '', 0), URL).code, EXIT.auth);
  });

  test('403 names the scopes that would do', () => {
    const failure = describeFailure(new SkytellsError('Forbidden', 'FORBIDDEN', '', 403, { acceptedScopes: ['keys.write', 'inference'] }), URL);
    assert.equal(failure.code, EXIT.auth);
    assert.match(failure.hint ?? '', /It needs: keys\.write, inference\./);
  });

  test('bad input is a usage error; an unreachable server and anything else an error', () => {
    assert.equal(describeFailure(new SkytellsError('Invalid input', 'INVALID_INPUT', 'name: too long', 422), URL).code, EXIT.usage);
    const network = describeFailure(new SkytellsError('fetch failed', 'NETWORK_ERROR', '', 0), URL);
    assert.equal(network.code, EXIT.error);
    assert.match(network.message, /Cannot reach http:\/\/127\.0\.0\.1:9/);
    assert.equal(describeFailure(new SkytellsError('Boom', 'INTERNAL_ERROR', '', 500), URL).code, EXIT.error);
    assert.equal(describeFailure(new Error('disk full'), URL).code, EXIT.error);
  });

  test('a CliError keeps its code and hint', () => {
    assert.deepEqual(describeFailure(new CliError('Not signed in', EXIT.auth, 'Run skytells login'), URL), {
      message: 'Not signed in',
      hint: 'Run skytells login',
      code: EXIT.auth,
    });
  });
});
