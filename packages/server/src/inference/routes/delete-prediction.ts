/**
 * DELETE /v1/predictions/{id} (and its alias DELETE /v1/predictions/{id}/delete, which the
 * official SDK calls): erases the prediction's input and output; its charge stays accounted.
 */
import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { markDeleted } from '../predictions/repository.js';
import { deletedPredictionSchema } from '../predictions/schema.js';

export const deletePredictionRoutes = (ctx: AppContext): AnyRoute[] => {
  const route = (url: string, summary: string) =>
    defineRoute({
      method: 'DELETE',
      url,
      summary,
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
    });
  return [
    route('/v1/predictions/:id', 'Delete a prediction (its input and output are erased; its charge stays accounted)'),
    route('/v1/predictions/:id/delete', 'Delete a prediction (alias of DELETE /v1/predictions/{id}, as the official SDK calls it)'),
  ];
};
