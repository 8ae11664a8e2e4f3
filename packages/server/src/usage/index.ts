/** The usage domain: per-minute usage groups and last-used times (batched), the usage API, the rollup. */
import type { AppContext } from '../context.js';
import { getUsageRoute } from './routes/get-usage.js';
import { listUsageEventsRoute } from './routes/list-usage-events.js';
import { listUsagePredictionsRoute } from './routes/list-usage-predictions.js';

export const usageRoutes = (ctx: AppContext) => [getUsageRoute(ctx), listUsageEventsRoute(ctx), listUsagePredictionsRoute(ctx)];
