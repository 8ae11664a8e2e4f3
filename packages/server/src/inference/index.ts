/** The inference domain: the `/v1` surface that API keys authenticate. */
import type { AppContext } from '../context.js';
import { cancelPredictionRoute } from './routes/cancel-prediction.js';
import { createPredictionRoutes } from './routes/create-prediction.js';
import { deletePredictionRoutes } from './routes/delete-prediction.js';
import { getModelRoutes } from './routes/get-model.js';
import { getPredictionRoute } from './routes/get-prediction.js';
import { listModelsRoute } from './routes/list-models.js';
import { listPredictionsRoute } from './routes/list-predictions.js';
import { streamPredictionRoute } from './routes/stream-prediction.js';

export { loadCatalogue } from './catalogue.js';

export const inferenceRoutes = (ctx: AppContext) => [
  listModelsRoute(ctx.catalogue.models),
  ...getModelRoutes(ctx),
  ...createPredictionRoutes(ctx),
  listPredictionsRoute(ctx),
  getPredictionRoute(ctx),
  streamPredictionRoute(ctx),
  cancelPredictionRoute(ctx),
  ...deletePredictionRoutes(ctx),
];
