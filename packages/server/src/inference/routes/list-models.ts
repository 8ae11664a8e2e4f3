/**
 * GET /v1/models: the whole catalogue as a JSON array, as the Skytells API answers it. The
 * catalogue is fixed at start, so the answer is serialized once, then sent as it is.
 */
import { z } from 'zod';
import { defineRoute, PreSerialized } from '../../http/route.js';
import { modelView } from '../catalogue.js';
import { type Model, modelViewSchema } from '../schema.js';

export const listModelsRoute = (models: readonly Model[]) => {
  const answer = PreSerialized.of(models.map(modelView));
  return defineRoute({
    method: 'GET',
    url: '/v1/models',
    summary: 'List models',
    tag: 'Inference',
    auth: 'inference',
    response: { status: 200, schema: z.array(modelViewSchema), description: 'Every model of the catalogue' },
    handler: () => answer,
  });
};
