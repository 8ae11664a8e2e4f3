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

export type Model = z.infer<typeof modelSchema>;
