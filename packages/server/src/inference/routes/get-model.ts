/** GET /v1/models/{slug} (and its alias GET /v1/model/{slug}): the whole model, with its input schema. */
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { modelDetail } from '../catalogue.js';
import { modelDetailSchema } from '../schema.js';

export const modelNotFound = () => new ApiError('MODEL_NOT_FOUND', 'Model not found', { details: 'See GET /v1/models for the models you can use' });

export const getModelRoutes = (ctx: AppContext): AnyRoute[] => {
  const route = (url: string, summary: string) =>
    defineRoute({
      method: 'GET',
      url,
      summary,
      tag: 'Inference',
      auth: 'inference',
      params: z.object({ slug: z.string().min(1).max(100) }),
      response: { status: 200, schema: modelDetailSchema, description: 'The model, including input_schema' },
      errors: { MODEL_NOT_FOUND: 'No model with this slug in the catalogue' },
      async handler({ params }) {
        const model = ctx.catalogue.get(params.slug);
        if (model === undefined) throw modelNotFound();
        return modelDetail(model);
      },
    });
  return [route('/v1/models/:slug', 'Get a model'), route('/v1/model/:slug', 'Get a model (alias of GET /v1/models/{slug})')];
};
