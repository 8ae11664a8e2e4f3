/**
 * The model catalogue: the operator's MODELS_FILE, or the default sandbox models. Each
 * model's `input_schema` (JSON Schema) is compiled once at load, so a bad catalogue stops
 * start-up instead of failing requests.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { usdToNanos } from '../usage/money.js';
import { catalogueSchema, type Model, type ModelView } from './schema.js';

/** Ships with the server package; resolves alike from src/ (tests) and dist/ (production). */
const DEFAULT_CATALOGUE = new URL('../../models/default-models.json', import.meta.url);

export class Catalogue {
  private readonly bySlug: Map<string, { model: Model; validate: ValidateFunction }>;

  constructor(readonly models: readonly Model[]) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    this.bySlug = new Map(models.map((model) => [model.slug, { model, validate: ajv.compile(model.input_schema) }]));
  }

  get(slug: string): Model | undefined {
    return this.bySlug.get(slug)?.model;
  }

  /** Why `input` does not fit the model's schema, naming the field; null when it fits. */
  inputProblem(slug: string, input: unknown): string | null {
    const entry = this.bySlug.get(slug);
    if (entry === undefined || entry.validate(input)) return null;
    return describe(entry.validate.errors?.[0]);
  }
}

function describe(error: ErrorObject | undefined): string {
  if (error === undefined) return 'input: does not match the model input schema';
  const path = ['input', ...error.instancePath.split('/').filter(Boolean)];
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  const message = error.keyword === 'additionalProperties' ? 'is not an input of this model' : (error.message ?? 'is invalid');
  return `${path.join('.')}: ${message}`;
}

export function loadCatalogue(file: string | URL = DEFAULT_CATALOGUE): Catalogue {
  return new Catalogue(catalogueSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
}

/** The model as `/v1/models` lists it (see `modelViewSchema`). */
export function modelView({ input_schema: _omitted, ...summary }: Model): ModelView {
  return {
    ...summary,
    namespace: summary.slug,
    status: 'operational',
    billable: usdToNanos(summary.pricing.price) > 0n,
    pricing: { ...summary.pricing, amount: Number(summary.pricing.price), currency: 'USD' },
  };
}

/** The model as `/v1/models/{slug}` answers it: the view with its input schema. */
export const modelDetail = (model: Model) => ({ ...modelView(model), input_schema: model.input_schema });
