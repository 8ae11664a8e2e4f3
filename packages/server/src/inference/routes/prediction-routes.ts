/** GET /v1/predictions, GET /v1/predictions/{id}, POST …/cancel, DELETE /v1/predictions/{id}. */

import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../http/errors.js';
import { offsetOf, pageOf, paginatedSchema } from '../../http/pagination.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { decideCancel, toPredictionView } from '../predictions/decisions.js';
import { countPredictions, findPrediction, listPredictions, markCanceled, markDeleted } from '../predictions/repository.js';
import { deletedPredictionSchema, listPredictionsQuerySchema, predictionSchema } from '../predictions/schema.js';

const msOrUndefined = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export const predictionRoutes = (ctx: AppContext): AnyRoute[] => [
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
      return pageOf(rows.map(toPredictionView), total, query);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/predictions/:id',
    summary: 'Get a prediction',
    tag: 'Inference',
    auth: 'inference',
    params: idParamsSchema,
    response: { status: 200, schema: predictionSchema, description: 'The prediction' },
    errors: { NOT_FOUND: 'No prediction with this id in the account' },
    async handler({ params, request }) {
      const row = await findPrediction(ctx.store.db, requireCredential(request).accountId, params.id);
      if (row === undefined) throw notFound('Prediction');
      return toPredictionView(row);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/predictions/:id/cancel',
    summary: 'Cancel a prediction that is still running',
    tag: 'Inference',
    auth: 'inference',
    params: idParamsSchema,
    response: { status: 200, schema: predictionSchema, description: 'The canceled prediction' },
    errors: { NOT_FOUND: 'No prediction with this id in the account', CONFLICT: 'The prediction has finished already' },
    async handler({ params, request }) {
      const accountId = requireCredential(request).accountId;
      const row = await findPrediction(ctx.store.db, accountId, params.id);
      if (row === undefined) throw notFound('Prediction');
      const decision = decideCancel(row, ctx.clock.now());
      if (decision.action === 'refuse' || !(await markCanceled(ctx.store.db, row.id, decision.at))) {
        throw new ApiError('CONFLICT', 'The prediction has already finished', {
          details: `Its status is ${decision.action === 'refuse' ? decision.status : 'final'}`,
        });
      }
      return toPredictionView({ ...row, status: 'canceled', completed_at: decision.at });
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/predictions/:id',
    summary: 'Delete a prediction (its input and output are erased; its charge stays accounted)',
    tag: 'Inference',
    auth: 'inference',
    params: idParamsSchema,
    response: { status: 200, schema: deletedPredictionSchema, description: 'Deleted; a repeat answers the same' },
    errors: { NOT_FOUND: 'No prediction with this id in the account' },
    async handler({ params, request }) {
      const deleted = await markDeleted(ctx.store.db, requireCredential(request).accountId, params.id, ctx.clock.now());
      if (!deleted) throw notFound('Prediction');
      return { id: params.id, deleted: true as const };
    },
  }),
];
