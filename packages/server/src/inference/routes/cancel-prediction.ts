/** POST /v1/predictions/{id}/cancel: stops a prediction that is still queued or running. */
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { decideCancel, toPredictionView } from '../predictions/decisions.js';
import { markCanceled } from '../predictions/repository.js';
import { predictionSchema } from '../predictions/schema.js';
import { findOwnPrediction, originOf } from './get-prediction.js';

export const cancelPredictionRoute = (ctx: AppContext) =>
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
      const row = await findOwnPrediction(ctx, request, params.id);
      const decision = decideCancel(row, ctx.clock.now());
      // The UPDATE itself checks the prediction is still running: a cancel racing its completion loses.
      if (decision.action === 'refuse' || !(await markCanceled(ctx.store.db, row.id, decision.at))) {
        throw new ApiError('CONFLICT', 'The prediction has already finished', {
          details: `Its status is ${decision.action === 'refuse' ? decision.status : 'final'}`,
        });
      }
      return toPredictionView({ ...row, status: 'canceled', completed_at: decision.at, updated_at: decision.at }, originOf(ctx, request));
    },
  });
