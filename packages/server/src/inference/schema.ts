/** The model catalogue's schema: it validates the catalogue file and documents the responses. */
import { z } from 'zod';

const decimalUsd = z.string().regex(/^\d{1,9}(\.\d{1,9})?$/, 'must be a decimal string such as "0.0025"');

export const modelSummarySchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  name: z.string().min(1),
  description: z.string(),
  type: z.string().min(1),
  pricing: z.object({ unit: z.string().min(1), price: decimalUsd }),
  plans: z.array(z.string().min(1)).min(1),
});

export const modelSchema = modelSummarySchema.extend({ input_schema: z.record(z.string(), z.unknown()) });

export const catalogueSchema = z.array(modelSchema).min(1);

/**
 * A model as `/v1/models` answers it: the catalogue entry plus the fields the Skytells API
 * (and so its official SDK) carries. `pricing.amount` is for display; `pricing.price` stays
 * the exact decimal every charge is computed from.
 */
export const modelViewSchema = modelSummarySchema.extend({
  namespace: z.string().meta({ description: 'The identifier to predict with (the slug)' }),
  status: z.literal('operational').meta({ description: 'Every model in the catalogue is served' }),
  billable: z.boolean().meta({ description: 'Whether a prediction costs anything' }),
  pricing: modelSummarySchema.shape.pricing.extend({
    amount: z.number().meta({ description: 'The price as a number, for display; `price` is exact', example: 0.0025 }),
    currency: z.literal('USD'),
  }),
});

/** `/v1/models/{slug}`: the model view with its input schema. */
export const modelDetailSchema = modelViewSchema.extend({ input_schema: modelSchema.shape.input_schema });

export type Model = z.infer<typeof modelSchema>;
export type ModelView = z.infer<typeof modelViewSchema>;
