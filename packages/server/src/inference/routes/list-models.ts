/** GET /v1/models: the catalogue, paginated. The default page is serialized once, at start. */

import { offsetOf, type PageQuery, pageOf, pageQuerySchema, paginatedSchema } from '../../http/pagination.js';
import { defineRoute, PreSerialized } from '../../http/route.js';
import { summaryOf } from '../catalogue.js';
import type { Model } from '../schema.js';
import { modelSummarySchema } from '../schema.js';

export const listModelsRoute = (models: readonly Model[]) => {
  const page = (query: PageQuery) => pageOf(models.slice(offsetOf(query), offsetOf(query) + query.per_page).map(summaryOf), models.length, query);
  const defaultPage = PreSerialized.of(page(pageQuerySchema.parse({})));
  return defineRoute({
    method: 'GET',
    url: '/v1/models',
    summary: 'List models',
    tag: 'Inference',
    auth: 'inference',
    query: pageQuerySchema,
    response: { status: 200, schema: paginatedSchema(modelSummarySchema), description: 'A page of the model catalogue' },
    async handler({ query, request }) {
      return request.url === '/v1/models' ? defaultPage : page(query);
    },
  });
};
