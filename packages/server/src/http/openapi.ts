/**
 * The OpenAPI 3.1 document, generated from the same route declarations and zod schemas
 * that register and validate the routes, so the two cannot drift apart.
 */
import { z } from 'zod';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../auth/session-cookie.js';
import { errorEnvelopeSchema } from './errors.js';
import type { AnyRoute } from './route.js';

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

/** `/api/v1/keys/:id` → `/api/v1/keys/{id}` */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}');

type JsonSchema = Record<string, unknown>;

export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string) {
  const components: Record<string, JsonSchema> = {};
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    delete json.$schema;
    return json;
  };

  const parameters = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (schema === undefined) return [];
    const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      schema: property,
    }));
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      security: security(route),
      // The scopes a personal access token needs here; absent where no token is accepted.
      ...(route.auth === 'account' || route.auth === 'inference'
        ? { 'x-required-scopes': route.auth === 'inference' ? ['inference'] : [...(route.scopes ?? [])] }
        : {}),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        [route.response.status]: {
          description: route.response.description,
          content: { 'application/json': { schema: toSchema(route.response.schema, 'output') } },
        },
        default: {
          description: 'An error, in the error envelope',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input') } },
      };
    }
    const path = openApiPath(route.url);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  components.ErrorEnvelope = toSchema(errorEnvelopeSchema, 'output');

  return {
    openapi: '3.1.0',
    info: { title: 'Skytells credential platform', version },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `${SECURE_SESSION_COOKIE} (Secure) when the console is served over https`,
        },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal access token (sk_pat_…)' },
      },
    },
  };
}
