/**
 * Authentication's answers, built on the one catalogue in `http/errors.ts`. Every credential
 * that does not authenticate gets the one 401 of its surface (missing, malformed, bad
 * checksum, unknown, revoked and expired all look the same), so a probe learns nothing.
 */
import { ApiError } from '../http/errors.js';

/** The single 401 of the `/v1` inference surface (docs/credentials.md, "Errors"). */
export const invalidApiKey = (): ApiError =>
  new ApiError('UNAUTHORIZED', 'Invalid or missing API key', {
    response: 'Invalid API key',
    details: 'Please obtain a valid API key from the dashboard',
  });

/** The single 401 of the management API: no valid session and no valid token. */
export const notAuthenticated = (): ApiError =>
  new ApiError('UNAUTHORIZED', 'Authentication required', {
    details: 'Sign in to the console, or send a personal access token as Authorization: Bearer <token>',
  });

/** A valid token without a scope the action needs: the 403 names every accepted scope. */
export const missingScope = (accepted: readonly string[]): ApiError =>
  new ApiError('FORBIDDEN', `This token lacks the scope this action needs: ${accepted.join(', ')}`, {
    details: `Accepted scopes: ${accepted.join(' ')}. Create a token with them in the console.`,
    headers: { 'x-accepted-scopes': accepted.join(', ') },
    fields: { accepted_scopes: [...accepted] },
  });

/** A valid token on a `session` route: tokens never do what only a signed-in person may. */
export const sessionRequired = (): ApiError =>
  new ApiError('FORBIDDEN', 'This action needs a console session', {
    details: 'Personal access tokens cannot do this; sign in to the console (or use the device flow of skytells login)',
  });

export const crossOriginRefused = (): ApiError =>
  new ApiError('FORBIDDEN', 'Cross-origin request refused', {
    details: 'State-changing console requests must come from the console origin (Origin or Sec-Fetch-Site: same-origin)',
  });

/** The store could not be asked: refuse (fail closed) rather than guess. */
export const cannotVerify = (): ApiError =>
  new ApiError('SERVICE_UNAVAILABLE', 'Credentials cannot be verified right now', { details: 'Retry shortly', headers: { 'retry-after': '1' } });
