/** The error envelope, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invalidApiKey, notAuthenticated } from '../auth/errors.js';
import { ApiError, ERROR_STATUS, type ErrorId, errorEnvelope, errorEnvelopeSchema } from './errors.js';

describe('errorEnvelope', () => {
  test('every error id: the HTTP status is error.http_status, and the envelope matches its published schema', () => {
    for (const id of Object.keys(ERROR_STATUS) as ErrorId[]) {
      const error = new ApiError(id, 'Something');
      const envelope = errorEnvelope(error, 'req_1');
      assert.equal(error.httpStatus, ERROR_STATUS[id]);
      assert.equal(envelope.error.http_status, ERROR_STATUS[id]);
      assert.equal(envelope.error.error_id, id);
      assert.equal(envelope.status, false);
      assert.equal(envelope.request_id, 'req_1');
      assert.equal(envelope.error.details, '', 'details is always a string');
      assert.ok(envelope.response.length > 0);
      assert.ok(errorEnvelopeSchema.safeParse(envelope).success, id);
    }
  });

  test('options: response title, details and extra fields inside error', () => {
    const envelope = errorEnvelope(
      new ApiError('FORBIDDEN', 'No', { response: 'Denied', details: 'Because', fields: { accepted_scopes: ['keys.read'] } }),
      'req_2',
    );
    assert.deepEqual(envelope, {
      status: false,
      response: 'Denied',
      error: { http_status: 403, message: 'No', details: 'Because', error_id: 'FORBIDDEN', accepted_scopes: ['keys.read'] },
      request_id: 'req_2',
    });
  });

  test('the credential refusals are fixed answers, whatever was presented', () => {
    assert.deepEqual(errorEnvelope(invalidApiKey(), 'r'), errorEnvelope(invalidApiKey(), 'r'));
    assert.equal(invalidApiKey().httpStatus, 401);
    assert.equal(notAuthenticated().httpStatus, 401);
    assert.equal(notAuthenticated().errorId, 'UNAUTHORIZED');
  });
});
