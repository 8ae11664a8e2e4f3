/**
 * The OpenAPI 3.1 document, generated from the same route declarations and zod schemas
 * that register and validate the routes, so the two cannot drift apart. Every answer a
 * route declares is in it: the main response with its content type and headers, other
 * answers (the OAuth errors), and each error envelope status with the error ids and reasons
 * behind it (route-errors.ts). docs/api.md is rendered from this document (api-docs.ts).
 */
import { z } from 'zod';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../auth/session-cookie.js';
import { ERROR_STATUS, type ErrorId, errorEnvelopeSchema } from './errors.js';
import type { AnyRoute } from './route.js';
import { type ErrorReason, errorsOf } from './route-errors.js';

type JsonSchema = Record<string, unknown>;

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: {
    schemas: Record<string, JsonSchema>;
    headers: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
};

/** `/api/v1/keys/:id` → `/api/v1/keys/{id}` */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}');

/** `text/html; charset=utf-8` → `text/html` */
export const mediaTypeOf = (contentType: string): string => contentType.replace(/;.*$/, '').trim();

const DESCRIPTION = `Conventions every route follows.

- **Request ids.** Every response carries \`x-request-id\`; an error envelope repeats it as \`request_id\`.
- **Errors.** Every error is the error envelope \`{status: false, response, error: {http_status, message, details, error_id}, request_id}\`, with the HTTP status equal to \`error.http_status\`. The one exception is \`POST /api/oauth/token\`, which refuses in the RFC 6749 §5.2 form \`{error, error_description}\` with status 400.
- **Unknown routes.** A path this server does not serve answers 404 \`NOT_FOUND\`; a path it serves, asked with another method, answers 405 \`METHOD_NOT_ALLOWED\` with \`Allow\` listing the methods it accepts.
- **Bodies.** JSON (\`Content-Type: application/json\`); the OAuth endpoints also take \`application/x-www-form-urlencoded\`. Larger bodies than the configured limit answer 413.
- **Lists.** \`?page=\` (from 1) and \`?per_page=\` (1 to 100, default 20), newest first, answered as \`{data, pagination: {current_page, per_page, total, last_page}}\`. \`GET /api/v1/usage/events\` pages with \`?cursor=\` instead, answering \`next_cursor\` (null on the last page).
- **Values.** Timestamps are ISO 8601 UTC strings; money is a decimal string in US dollars (\`"0.0045"\`), never a float.
- **Console sessions.** A change (POST, DELETE) authenticated by the session cookie must show it comes from the console: an \`Origin\` equal to the public origin, or \`Sec-Fetch-Site: same-origin\`; otherwise 403.`;

const HEADERS: Record<string, JsonSchema> = {
  'x-request-id': { description: 'The id of this request, as in the log line and in any error envelope', schema: { type: 'string' } },
  'retry-after': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
  'x-accepted-scopes': { description: 'The scopes that would have been accepted, comma-separated', schema: { type: 'string' } },
  'x-token-expires-at': {
    description: 'When the personal access token that authenticated the request expires; absent for other credentials and tokens without expiry',
    schema: { type: 'string', format: 'date-time' },
  },
  allow: { description: 'The methods this path accepts, comma-separated', schema: { type: 'string' } },
};
/** References to headers described once, in components. */
const headers = (...names: Array<keyof typeof HEADERS>) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
const ENVELOPE = { $ref: '#/components/schemas/ErrorEnvelope' };

function security(route: AnyRoute): Array<Record<string, string[]>> {
  switch (route.auth) {
    case 'none':
      return [];
    case 'session':
      return [{ sessionCookie: [] }];
    case 'account':
      return [{ sessionCookie: [] }, { bearerToken: [...(route.scopes ?? [])] }];
    case 'inference':
      return [{ apiKey: [] }, { bearerToken: ['inference'] }];
  }
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (schema === undefined) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** Every answer of `route`, keyed by status, with `default` for the unexpected 500. */
function responses(route: AnyRoute): Record<string, JsonSchema> {
  const tokenAuthenticated = route.auth === 'account' || route.auth === 'inference';
  // Every answer to a valid token says when it expires: all but those refusing the credential
  // (401, and the inference 503 when it cannot be verified); on session routes, only the 403
  // that refuses a valid token.
  const tokenHeader = (status: number) =>
    (tokenAuthenticated && status !== 401 && !(route.auth === 'inference' && status === 503)) || (route.auth === 'session' && status === 403)
      ? headers('x-token-expires-at')
      : {};
  const { response } = route;
  const answers: Record<string, JsonSchema> = {
    [response.status]: {
      description: response.description,
      headers: {
        ...headers('x-request-id'),
        ...Object.fromEntries(
          Object.entries(response.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
        ),
        ...tokenHeader(response.status),
      },
      content: { [mediaTypeOf(response.contentType ?? 'application/json')]: { schema: toSchema(response.schema, 'output') } },
    },
  };
  for (const [status, other] of Object.entries(route.otherResponses ?? {})) {
    answers[status] = {
      description: other.description,
      headers: headers('x-request-id'),
      content: { 'application/json': { schema: toSchema(other.schema, 'output') } },
    };
  }

  const byStatus = new Map<number, Array<[ErrorId, readonly ErrorReason[]]>>();
  for (const [id, reasons] of errorsOf(route)) byStatus.set(ERROR_STATUS[id], [...(byStatus.get(ERROR_STATUS[id]) ?? []), [id, reasons]]);
  for (const [status, errors] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = errors.map(([id, reasons]) => `\`${id}\`: ${reasons.map((reason) => reason.when).join('; ')}`).join('. ');
    const other = answers[status] as { description: string; content: { 'application/json': { schema: JsonSchema } } } | undefined;
    answers[status] = {
      description: other ? `${other.description}. As an error envelope: ${description}` : description,
      // Each error id with its reasons and the headers each reason's answer carries.
      'x-error-ids': Object.fromEntries(errors),
      headers: {
        ...headers('x-request-id', ...errors.flatMap(([, reasons]) => reasons.flatMap((reason) => reason.headers))),
        ...tokenHeader(status),
      },
      content: { 'application/json': { schema: other ? { anyOf: [other.content['application/json'].schema, ENVELOPE] } : ENVELOPE } },
    };
  }
  answers.default = {
    description: '`INTERNAL_ERROR`: an unexpected failure, logged under the request id',
    headers: headers('x-request-id'),
    content: { 'application/json': { schema: ENVELOPE } },
  };
  return answers;
}

function operation(route: AnyRoute): JsonSchema {
  const body = route.body;
  return {
    summary: route.summary,
    tags: [route.tag],
    security: security(route),
    // The scopes a personal access token needs here; absent where no token is accepted.
    ...(route.auth === 'account' || route.auth === 'inference'
      ? { 'x-required-scopes': route.auth === 'inference' ? ['inference'] : [...(route.scopes ?? [])] }
      : {}),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              ['application/json', ...(route.acceptsForm ? ['application/x-www-form-urlencoded'] : [])].map((type) => [
                type,
                { schema: toSchema(body, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses: responses(route),
  };
}

export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Skytells credential platform', version, description: DESCRIPTION },
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ErrorEnvelope: toSchema(errorEnvelopeSchema, 'output') },
      headers: HEADERS,
      responses: {
        MethodNotAllowed: {
          description: '`METHOD_NOT_ALLOWED`: the path exists, but not with this method (any path this document lists)',
          headers: headers('x-request-id', 'allow'),
          content: { 'application/json': { schema: ENVELOPE } },
        },
      },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key (`sk-` and 32 characters), for the `/v1` routes only' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `The console session, set by sign-up and sign-in; it holds every scope. Named ${SECURE_SESSION_COOKIE} (Secure) when the console is served over https`,
        },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal access token (`sk_pat_` and 64 hex digits); it may do what its scopes allow (`x-required-scopes`)',
        },
      },
    },
  };
}
