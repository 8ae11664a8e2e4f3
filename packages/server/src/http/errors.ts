/**
 * The one error envelope (docs/credentials.md, "Errors"). Every error from every endpoint leaves through
 * `errorEnvelope`, with the HTTP status equal to `error.http_status`. Messages are fixed
 * strings chosen here or by the caller; input values and secrets never go into them.
 */
import { z } from 'zod';

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_INPUT: 422,
  RATE_LIMIT_EXCEEDED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorId = keyof typeof ERROR_STATUS;

const RESPONSE_TITLE: Record<ErrorId, string> = {
  INVALID_REQUEST: 'Bad request',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  MODEL_NOT_FOUND: 'Model not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  REQUEST_TIMEOUT: 'Request timeout',
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  INVALID_INPUT: 'Invalid input',
  RATE_LIMIT_EXCEEDED: 'Rate limit exceeded',
  HEADERS_TOO_LARGE: 'Request headers too large',
  INTERNAL_ERROR: 'Internal error',
  UPSTREAM_ERROR: 'Bad gateway',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  UPSTREAM_TIMEOUT: 'Gateway timeout',
};

export interface ApiErrorOptions {
  details?: string;
  /** Overrides the envelope's short `response` title. */
  response?: string;
  headers?: Record<string, string>;
  /** Extra fields inside `error`, e.g. `accepted_scopes`. */
  fields?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly errorId: ErrorId,
    message: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(message);
    this.httpStatus = ERROR_STATUS[errorId];
  }
}

export interface ErrorEnvelope {
  status: false;
  response: string;
  error: { http_status: number; message: string; details: string; error_id: ErrorId } & Record<string, unknown>;
  request_id: string;
}

export function errorEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  return {
    status: false,
    response: error.options.response ?? RESPONSE_TITLE[error.errorId],
    error: {
      http_status: error.httpStatus,
      message: error.message,
      details: error.options.details ?? '',
      error_id: error.errorId,
      ...error.options.fields,
    },
    request_id: requestId,
  };
}

export const notFound = (what: string): ApiError => new ApiError('NOT_FOUND', `${what} not found`);

/** A path whose parameter cannot name anything (malformed, too long): the path is never echoed. */
export const malformedPath = (): ApiError => new ApiError('NOT_FOUND', 'Not found', { details: 'Nothing exists at this path' });

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  datetime: 'an ISO 8601 date-time such as 2026-01-31T12:00:00Z',
};

/**
 * zod's per-parse error map: what a field expects, from the schema's own parameters only.
 * zod's default messages may quote what was received (`unrecognized_keys` names the keys);
 * these never do, so a secret pasted into the wrong field is not sent back. Messages a
 * schema sets itself are fixed strings and take precedence over this map.
 */
export function describeExpected(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must hold at least ${issue.minimum} items`;
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be greater than ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must hold at most ${issue.maximum} items`;
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    case 'invalid_format':
      return `must be ${FORMAT_NAMES[issue.format] ?? 'in the expected format'}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'holds fields that are not accepted';
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return 'is invalid';
  }
}

/** A field path for an error: indexes and our own snake_case field names; any other key (a record's, the caller's) shows as `*`. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path
    .map((segment) =>
      typeof segment === 'number' || (typeof segment === 'string' && /^[a-z][a-z0-9_]{0,39}$/.test(segment)) ? String(segment) : '*',
    )
    .join('.');

/**
 * The answer to a request whose params, query or body fail their schema: 422 naming the field
 * and what it expects. Path params are the exception: a malformed id names no object, so it
 * gets the 404 of an unknown one.
 */
export function validationError(error: z.ZodError, part: 'params' | 'query' | 'body'): ApiError {
  if (part === 'params') return malformedPath();
  // The first issue names the field; zod reports at least one on every failure.
  const [issue] = error.issues;
  const field = (issue && fieldPath(issue.path)) || part;
  return new ApiError('INVALID_INPUT', `Invalid value for ${field}`, { details: `${field}: ${issue?.message ?? 'is invalid'}` });
}

/** The envelope as a schema, for the OpenAPI document. */
export const errorEnvelopeSchema = z.object({
  status: z.literal(false),
  response: z.string(),
  error: z.looseObject({
    http_status: z.number().int(),
    message: z.string(),
    details: z.string(),
    error_id: z.enum(Object.keys(ERROR_STATUS) as [ErrorId, ...ErrorId[]]),
  }),
  request_id: z.string(),
});
