/**
 * docs/api.md, rendered from the OpenAPI document (openapi.ts) and nothing else: every
 * route with its auth, scopes, parameters, body fields, answers and errors. `npm run docs`
 * writes it; a test fails when the committed file is not what the current server renders.
 */
import type { OpenApiDocument } from './openapi.js';

/** The parts of JSON Schema that zod writes and this page shows. */
interface Schema {
  type?: string | string[];
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  format?: string;
  pattern?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  example?: unknown;
}

interface Content {
  schema: Schema;
}

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content: Record<string, Content>;
  'x-error-ids'?: Record<string, Array<{ when: string; headers: string[] }>>;
}

interface Operation {
  summary: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  'x-required-scopes'?: string[];
  parameters: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: Schema }>;
  requestBody?: { content: Record<string, Content> };
  responses: Record<string, Response>;
}

interface Row {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** Table cells: one line, no unescaped pipe. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const code = (text: string): string => `\`${text}\``;
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

/** A Markdown table with its columns padded to one width, as the formatter (Biome) writes them. */
function table(header: string[], rows: string[][]): string[] {
  const body = rows.map((row) => row.map(cell));
  const widths = header.map((title, column) => Math.max(3, title.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)];
}

/** A member of `anyOf` that is not `null`, when there is exactly one (a nullable value). */
function nonNull(schema: Schema): Schema | undefined {
  const members = schema.anyOf ?? [];
  const others = members.filter((member) => member.type !== 'null');
  return others.length === 1 && others.length < members.length ? others[0] : undefined;
}

export function typeOf(schema: Schema): string {
  if (schema.$ref) return schema.$ref.replace(/^.*\//, '');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' | ');
  if (schema.type === undefined) return 'any';
  const types = [schema.type].flat();
  return types
    .map((type) => {
      if (type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
      const values = schema.additionalProperties;
      if (type === 'object' && typeof values === 'object' && !schema.properties) return `map of ${typeOf(values)}`;
      return type === 'string' && schema.format ? `string (${schema.format})` : type;
    })
    .join(' | ');
}

export function notesOf(schema: Schema): string {
  const notes: string[] = [];
  if (schema.description) notes.push(schema.description);
  if (schema.minimum !== undefined && schema.minimum > -SAFE_INTEGER) notes.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum < SAFE_INTEGER) notes.push(`at most ${schema.maximum}`);
  if (schema.minLength !== undefined) notes.push(`at least ${count(schema.minLength, 'character')}`);
  if (schema.maxLength !== undefined) notes.push(`at most ${count(schema.maxLength, 'character')}`);
  if (schema.minItems !== undefined) notes.push(`at least ${count(schema.minItems, 'item')}`);
  if (schema.maxItems !== undefined) notes.push(`at most ${count(schema.maxItems, 'item')}`);
  // Formats say enough; the patterns zod writes for them are long and unreadable.
  if (schema.pattern !== undefined && schema.format === undefined) notes.push(`matches ${code(schema.pattern)}`);
  if (schema.default !== undefined) notes.push(`default ${code(JSON.stringify(schema.default))}`);
  if (schema.example !== undefined) notes.push(`e.g. ${code(JSON.stringify(schema.example))}`);
  return notes.join('; ');
}

/** One row per field, nested fields as `a.b` and array items as `a[].b`. */
export function fieldRows(schema: Schema, prefix = ''): Row[] {
  const object = nonNull(schema) ?? schema;
  if (object.type === 'array' && object.items) return fieldRows(object.items, `${prefix}[]`);
  if (!object.properties) return [];
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties).flatMap(([name, property]) => {
    const path = `${prefix}${prefix ? '.' : ''}${name}`;
    return [{ name: path, type: typeOf(property), required: required.has(name), notes: notesOf(property) }, ...fieldRows(property, path)];
  });
}

function fieldTable(rows: Row[]): string[] {
  return table(
    ['field', 'type', 'required', 'notes'],
    rows.map((row) => [code(row.name), row.type, row.required ? 'yes' : 'no', row.notes]),
  );
}

/** Who may call, in full, or in a few words for the index. */
function auth(operation: Operation, brief = false): string {
  const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
  const scopes = (operation['x-required-scopes'] ?? []).map(code).join(' and ');
  if (schemes.length === 0) return brief ? 'public' : 'none (public)';
  if (brief)
    return `${schemes.includes('apiKey') ? 'API key' : schemes.includes('bearerToken') ? 'session' : 'session only'}${scopes ? `, or token with ${scopes}` : ''}`;
  if (!schemes.includes('bearerToken')) return 'the console session only (a personal access token is refused with 403)';
  const first = schemes.includes('apiKey') ? 'an API key (`x-api-key`)' : 'the console session';
  return `${first}, or a personal access token holding ${scopes}; answers to a token that expires carry \`x-token-expires-at\``;
}

/** Headers worth naming at a response: those every response or every token answer carries are explained once, above. */
function headerNames(response: Response): string[] {
  return Object.keys(response.headers ?? {}).filter((name) => name !== 'x-request-id' && name !== 'x-token-expires-at');
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const lines = [`### ${code(`${method.toUpperCase()} ${path}`)}`, '', `${operation.summary}.`, '', `**Auth:** ${auth(operation)}.`, ''];
  for (const location of ['path', 'query'] as const) {
    const parameters = operation.parameters.filter((parameter) => parameter.in === location);
    if (parameters.length === 0) continue;
    lines.push(`**${location === 'path' ? 'Path' : 'Query'} parameters**`, '');
    lines.push(...fieldTable(parameters.map((p) => ({ name: p.name, type: typeOf(p.schema), required: p.required, notes: notesOf(p.schema) }))), '');
  }
  if (operation.requestBody) {
    const contents = Object.entries(operation.requestBody.content);
    // Every content type of a body has the same schema (openapi.ts).
    const rows = fieldRows(contents[0]?.[1].schema ?? {});
    lines.push(`**Body** (${contents.map(([type]) => code(type)).join(' or ')})`, '');
    lines.push(...(rows.length > 0 ? fieldTable(rows) : ['Any JSON object.']), '');
  }

  const errors: string[][] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    if (status === 'default') {
      errors.push(['500', code('INTERNAL_ERROR'), 'An unexpected failure, logged under the request id', '']);
      continue;
    }
    const headers = headerNames(response).map(code).join(', ');
    const ids = response['x-error-ids'];
    for (const [id, reasons] of Object.entries(ids ?? {})) {
      errors.push(...reasons.map((reason) => [status, code(id), reason.when, reason.headers.map(code).join(', ')]));
    }
    // The main answer, or another one beside the envelope (the OAuth errors) listed first in anyOf.
    for (const [mediaType, { schema }] of Object.entries(response.content)) {
      const body = ids === undefined ? schema : schema.anyOf?.[0];
      if (body === undefined) continue;
      const description = response.description.replace(/\. As an error envelope: .*$/, '');
      lines.push(`**${status}** (${code(mediaType)}): ${description}.${headers ? ` Headers: ${headers}.` : ''}`, '');
      const rows = fieldRows(body);
      if (rows.length > 0) lines.push(...fieldTable(rows), '');
    }
  }
  lines.push('**Errors** (in the error envelope)', '', ...table(['status', 'error_id', 'when', 'headers'], errors), '');
  return lines;
}

export function renderApiDocs(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    // The document is built from these shapes (openapi.ts); here it is only read.
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation as unknown as Operation })),
  );
  const lines = [
    '# HTTP API',
    '',
    '<!-- Generated by `npm run docs` from the OpenAPI document the server serves at /api/openapi.json. Do not edit by hand: a test fails when this file and the server disagree. -->',
    '',
    `${document.info.title}, version ${document.info.version}. The machine-readable form of this page is \`GET /api/openapi.json\` (OpenAPI 3.1). Credential formats, scopes and the error envelope are explained in [credentials.md](credentials.md).`,
    '',
    '## Conventions',
    '',
    document.info.description,
    '',
    '## Authentication',
    '',
    ...table(
      ['scheme', 'sent as', 'what it is'],
      Object.entries(document.components.securitySchemes).map(([name, scheme]) => [
        name,
        scheme.type === 'http' ? code('Authorization: Bearer <token>') : `${scheme.in} ${code(String(scheme.name))}`,
        String(scheme.description),
      ]),
    ),
    '',
    'Every response carries these headers where they apply:',
    '',
    ...table(
      ['header', 'meaning'],
      Object.entries(document.components.headers).map(([name, header]) => [code(name), String(header.description)]),
    ),
    '',
    '## Routes',
    '',
    ...table(
      ['route', 'summary', 'auth'],
      operations.map(({ path, method, operation }) => {
        const heading = `${method.toUpperCase()} ${path}`;
        return [`[${code(heading)}](#${anchorOf(heading)})`, operation.summary, auth(operation, true)];
      }),
    ),
    '',
  ];
  for (const { name: tag } of document.tags) {
    lines.push(`## ${tag}`, '');
    for (const { path, method, operation } of operations.filter(({ operation }) => operation.tags[0] === tag)) {
      lines.push(...renderOperation(method, path, operation));
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
