/** GET /v1/models/{slug}: the whole model, with its input schema. */
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { modelSchema } from '../schema.js';

export const modelNotFound = () => new ApiError('MODEL_NOT_FOUND', 'Model not found', { details: 'See GET /v1/models for the models you can use' });

export const getModelRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/v1/models/:slug',
    summary: 'Get a model',
    tag: 'Inference',
    auth: 'inference',
    params: z.object({ slug: z.string().min(1).max(100) }),
    response: { status: 200, schema: modelSchema, description: 'The model, including input_schema' },
    errors: { MODEL_NOT_FOUND: 'No model with this slug in the catalogue' },
    async handler({ params }) {
      const model = ctx.catalogue.get(params.slug);
      if (model === undefined) throw modelNotFound();
      return model;
    },
  });
