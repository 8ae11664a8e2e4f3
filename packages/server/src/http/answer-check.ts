/**
 * Checks one answer a route gave against its declaration: a declared status, the declared
 * content type, a body its schema accepts with no field the schema lacks, and for errors the
 * envelope with an error id the route declares (or implies) and the headers that go with it.
 *
 * Test servers run it on every answer (register-route.ts, SKYTELLS_CHECK_ANSWERS=1), so the
 * whole suite keeps the declarations, and the OpenAPI document made from them, true.
 * Production never runs it.
 */
import type { z } from 'zod';
import { errorEnvelopeSchema } from './errors.js';
import { mediaTypeOf } from './openapi.js';
import type { AnyRoute, ErrorHeader } from './route.js';
import { errorsOf } from './route-errors.js';

export interface SentAnswer {
  status: number;
  /** Header names in lower case, as Fastify keeps them. */
  headers: Readonly<Record<string, unknown>>;
  payload: string;
}

const JSON_MEDIA_TYPE = 'application/json';
const ERROR_HEADERS: readonly ErrorHeader[] = ['retry-after', 'x-accepted-scopes'];

/** Paths of fields in `sent` that the schema's parse of it (`kept`) dropped as unknown. */
export function undeclaredPaths(sent: unknown, kept: unknown, path = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(kept)) return sent.flatMap((item, i) => undeclaredPaths(item, kept[i], `${path}[${i}]`));
  if (sent === null || kept === null || typeof sent !== 'object' || typeof kept !== 'object') return [];
  return Object.entries(sent).flatMap(([key, value]) =>
    key in kept ? undeclaredPaths(value, (kept as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}`],
  );
}

function schemaProblem(schema: z.ZodType, body: unknown): string | undefined {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return `a body its schema refuses (${issue?.path.join('.') || 'body'}: ${issue?.message})`;
  }
  const undeclared = undeclaredPaths(body, parsed.data);
  return undeclared.length > 0 ? `undeclared fields ${undeclared.join(', ')}` : undefined;
}

function parseJson(payload: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(payload) };
  } catch {
    return undefined;
  }
}

function envelopeProblem(route: AnyRoute, answer: SentAnswer, body: unknown): string | undefined {
  const envelope = errorEnvelopeSchema.safeParse(body);
  if (!envelope.success) return 'a body that is not the error envelope';
  const { error_id: id, http_status: httpStatus } = envelope.data.error;
  if (httpStatus !== answer.status) return `an envelope whose http_status is ${httpStatus}`;
  if (id === 'INTERNAL_ERROR') return undefined;
  const reasons = errorsOf(route).get(id);
  if (reasons === undefined) return `error ${id}, which it does not declare`;
  // A throttle always says when to come back; a scope refusal names the scopes in its header too.
  if (id === 'RATE_LIMIT_EXCEEDED' && answer.headers['retry-after'] === undefined) return `error ${id} without its retry-after header`;
  if ('accepted_scopes' in envelope.data.error && answer.headers['x-accepted-scopes'] === undefined) {
    return `error ${id} without its x-accepted-scopes header`;
  }
  const declared = reasons.flatMap((reason) => reason.headers);
  const undeclared = ERROR_HEADERS.filter((name) => answer.headers[name] !== undefined && !declared.includes(name));
  return undeclared.length > 0 ? `error ${id} with headers it does not declare: ${undeclared.join(', ')}` : undefined;
}

function problemOf(route: AnyRoute, answer: SentAnswer): string | undefined {
  const mediaType = mediaTypeOf(String(answer.headers['content-type'] ?? ''));
  if (answer.status === route.response.status) {
    const declared = mediaTypeOf(route.response.contentType ?? JSON_MEDIA_TYPE);
    if (mediaType !== declared) return `content type ${mediaType}, not the declared ${declared}`;
    if (route.response.contentType !== undefined) return schemaProblem(route.response.schema, answer.payload);
    const json = parseJson(answer.payload);
    return json === undefined ? 'a body that is not JSON' : schemaProblem(route.response.schema, json.value);
  }
  const other = route.otherResponses?.[answer.status];
  if (other === undefined && answer.status < 400) return 'a status it does not declare';
  const json = mediaType === JSON_MEDIA_TYPE ? parseJson(answer.payload) : undefined;
  if (json === undefined) return 'a body that is not JSON';
  if (other !== undefined && (answer.status < 400 || !errorEnvelopeSchema.safeParse(json.value).success)) {
    return schemaProblem(other.schema, json.value);
  }
  return envelopeProblem(route, answer, json.value);
}

/** Why `answer` is not one the route declares; undefined when it is. */
export function answerProblem(route: AnyRoute, answer: SentAnswer): string | undefined {
  const problem = problemOf(route, answer);
  return problem === undefined ? undefined : `${route.method} ${route.url} answered ${answer.status} with ${problem}`;
}
