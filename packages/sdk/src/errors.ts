/**
 * The one error every SDK call throws. Its first four fields and its constructor match the
 * official SDK's `SkytellsError`, so `catch` blocks written for one work with the other.
 *
 * Invariant: no credential ever appears in `message` or `details`: text that comes from a
 * response body goes through `redactCredentials` first, and local refusals of a malformed
 * credential never quote it.
 */
export interface SkytellsErrorExtras {
  /** The server's `request_id` (or `x-request-id` header), for support and logs. */
  requestId?: string | undefined;
  /** For a 403 for a missing scope: the scopes that would have been accepted. */
  acceptedScopes?: string[] | undefined;
  /** Seconds the server asked to wait (`Retry-After`), e.g. with a 429. */
  retryAfter?: number | undefined;
}

export class SkytellsError extends Error {
  errorId: string;
  details: string;
  httpStatus: number;
  requestId: string | undefined;
  acceptedScopes: string[] | undefined;
  retryAfter: number | undefined;

  constructor(message: string, errorId: string, details: string, httpStatus?: number, extras: SkytellsErrorExtras = {}) {
    super(message);
    this.name = 'SkytellsError';
    this.errorId = errorId;
    this.details = details;
    this.httpStatus = httpStatus || 0;
    this.requestId = extras.requestId;
    this.acceptedScopes = extras.acceptedScopes;
    this.retryAfter = extras.retryAfter;
    // Keeps `instanceof` working when the class is transpiled to ES5-style constructors.
    Object.setPrototypeOf(this, SkytellsError.prototype);
  }
}
