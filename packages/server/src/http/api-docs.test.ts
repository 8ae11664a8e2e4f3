import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { startTestServer } from '../test-support/server.js';
import { fieldRows, notesOf, renderApiDocs, typeOf } from './api-docs.js';

const API_MD = new URL('../../../../docs/api.md', import.meta.url);

describe('docs/api.md', () => {
  test('is what the current server renders from its OpenAPI document (run `npm run docs` after changing a route)', async () => {
    const t = await startTestServer();
    try {
      const { body: document } = await t.client().get('/api/openapi.json');
      const rendered = renderApiDocs(document);
      const committed = readFileSync(API_MD, 'utf8');
      assert.ok(rendered === committed, 'docs/api.md is stale: run `npm run docs` and commit the result');
      for (const path of Object.keys(document.paths)) assert.ok(committed.includes(path), path);
    } finally {
      await t.stop();
    }
  });
});

describe('JSON Schema to tables', () => {
  test('types: nullable, enums, constants, arrays, maps, formats and references', () => {
    assert.equal(typeOf({ type: ['string', 'null'] }), 'string | null');
    assert.equal(typeOf({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] }), 'string (date-time) | null');
    assert.equal(typeOf({ type: 'string', enum: ['day', 'hour'] }), '"day" | "hour"');
    assert.equal(typeOf({ type: 'string', const: 'bearer' }), '"bearer"');
    assert.equal(typeOf({ type: 'array', items: { type: 'string' } }), 'string[]');
    assert.equal(
      typeOf({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'integer' } } as object),
      'map of integer',
    );
    assert.equal(typeOf({ $ref: '#/components/schemas/ErrorEnvelope' }), 'ErrorEnvelope');
    assert.equal(typeOf({}), 'any');
  });

  test('notes: bounds other than the safe-integer ones zod writes, lengths, defaults, examples; no format patterns', () => {
    assert.equal(notesOf({ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }), '');
    assert.equal(notesOf({ type: 'integer', minimum: 1, maximum: 100, default: 20 }), 'at least 1; at most 100; default `20`');
    assert.equal(
      notesOf({ type: 'string', minLength: 1, maxLength: 64, description: 'A name' }),
      'A name; at least 1 character; at most 64 characters',
    );
    assert.equal(notesOf({ type: 'string', format: 'date-time', pattern: '^\\d{4}-' }), '');
    assert.equal(notesOf({ type: 'string', pattern: '^sk-', example: 'sk-…' }), 'matches `^sk-`; e.g. `"sk-…"`');
  });

  test('rows: nested objects as a.b, array items as a[].b, required from the parent, nullable objects opened', () => {
    const schema = {
      type: 'object',
      properties: {
        data: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
        target: { anyOf: [{ type: 'object', properties: { type: { type: 'string' } }, required: ['type'] }, { type: 'null' }] },
        next_cursor: { type: ['string', 'null'] },
      },
      required: ['data', 'target'],
    };
    assert.deepEqual(
      fieldRows(schema).map((row) => [row.name, row.type, row.required]),
      [
        ['data', 'object[]', true],
        ['data[].id', 'string', true],
        ['target', 'object | null', true],
        ['target.type', 'string', true],
        ['next_cursor', 'string | null', false],
      ],
    );
  });
});
