/** The inference domain: the `/v1` surface that API keys authenticate. */
import type { AppContext } from '../context.js';
import { createPredictionRoutes } from './routes/create-prediction.js';
import { getModelRoute } from './routes/get-model.js';
import { listModelsRoute } from './routes/list-models.js';
import { predictionRoutes } from './routes/prediction-routes.js';

export { loadCatalogue } from './catalogue.js';

export const inferenceRoutes = (ctx: AppContext) => [
  listModelsRoute(ctx.catalogue.models),
  getModelRoute(ctx),
  ...createPredictionRoutes(ctx),
  ...predictionRoutes(ctx),
];
