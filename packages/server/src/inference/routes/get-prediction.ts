/** GET /v1/predictions/{id}: one of the account's predictions. */
import type { FastifyRequest } from 'fastify';
import { publicOriginOf } from '../../auth/console-origin.js';
import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { type PredictionRow, toPredictionView } from '../predictions/decisions.js';
import { findPrediction } from '../predictions/repository.js';
import { predictionSchema } from '../predictions/schema.js';

/** The caller's account's prediction `id`, or 404: another account's is not found either. */
export async function findOwnPrediction(ctx: AppContext, request: FastifyRequest, id: string): Promise<PredictionRow> {
  const row = await findPrediction(ctx.store.db, requireCredential(request).accountId, id);
  if (row === undefined) throw notFound('Prediction');
  return row;
}

/** The origin the prediction's `urls` are built on: PUBLIC_URL's, else the request's own. */
export const originOf = (ctx: AppContext, request: FastifyRequest): string => publicOriginOf(request, ctx.config.publicOrigin);

export const getPredictionRoute = (ctx: AppContext) =>
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
      return toPredictionView(await findOwnPrediction(ctx, request, params.id), originOf(ctx, request));
    },
  });
