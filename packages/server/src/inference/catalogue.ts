/** Loads the model catalogue: the operator's MODELS_FILE, or the default sandbox models. */
import { readFileSync } from 'node:fs';
import { catalogueSchema, type Model } from './schema.js';

/** Ships with the server package; resolves alike from src/ (tests) and dist/ (production). */
const DEFAULT_CATALOGUE = new URL('../../models/default-models.json', import.meta.url);

export function loadCatalogue(file: string | URL = DEFAULT_CATALOGUE): Model[] {
  return catalogueSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function summaryOf({ input_schema: _omitted, ...summary }: Model): Omit<Model, 'input_schema'> {
  return summary;
}
