/** The inference domain: the `/v1` surface that API keys authenticate. */
import type { Model } from './schema.js';
import { listModelsRoute } from './routes/list-models.js';

export { loadCatalogue } from './catalogue.js';

export const inferenceRoutes = (models: Model[]) => [listModelsRoute(models)];
