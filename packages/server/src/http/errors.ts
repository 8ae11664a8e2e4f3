/**
 * The one error envelope (INTERFACE §3). Every error from every endpoint leaves through
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
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_INPUT: 422,
  RATE_LIMIT_EXCEEDED: 429,
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
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  INVALID_INPUT: 'Invalid input',
  RATE_LIMIT_EXCEEDED: 'Rate limit exceeded',
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
