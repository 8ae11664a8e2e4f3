/** GET /v1/predictions: the account's predictions, newest first, filtered by time and model. */
import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { offsetOf, pageOf, paginatedSchema } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { toPredictionView } from '../predictions/decisions.js';
import { countPredictions, listPredictions } from '../predictions/repository.js';
import { listPredictionsQuerySchema, predictionSchema } from '../predictions/schema.js';
import { originOf } from './get-prediction.js';

const msOrUndefined = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export const listPredictionsRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/v1/predictions',
    summary: 'List predictions',
    tag: 'Inference',
    auth: 'inference',
    query: listPredictionsQuerySchema,
    response: { status: 200, schema: paginatedSchema(predictionSchema), description: "A page of the account's predictions, newest first" },
    async handler({ query, request }) {
      const filter = {
        accountId: requireCredential(request).accountId,
        from: msOrUndefined(query.from),
        to: msOrUndefined(query.to),
        model: query.model,
      };
      const [rows, total] = await Promise.all([
        listPredictions(ctx.store.db, filter, query.per_page, offsetOf(query)),
        countPredictions(ctx.store.db, filter),
      ]);
      const origin = originOf(ctx, request);
      return pageOf(
        rows.map((row) => toPredictionView(row, origin)),
        total,
        query,
      );
    },
  });
