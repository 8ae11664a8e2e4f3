/**
 * POST /v1/predictions (and the legacy alias POST /v1/predict): checks the model, the
 * account's plan and the input, runs the executor, and stores the prediction with its
 * charge before answering. An upstream failure is stored as a failed prediction too.
 */

import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { newId } from '../../store/ids.js';
import { usdToNanos } from '../../usage/money.js';
import { type ExecutionResult, UpstreamFailure } from '../executors/executor.js';
import { chargeFor, isTerminal, type PredictionRow, toPredictionView } from '../predictions/decisions.js';
import { accountPlan, insertPrediction } from '../predictions/repository.js';
import { createPredictionBodySchema, predictionSchema } from '../predictions/schema.js';
import { modelNotFound } from './get-model.js';
import { originOf } from './get-prediction.js';

const upstreamError = (reason: UpstreamFailure['reason']) =>
  reason === 'timeout'
    ? new ApiError('UPSTREAM_TIMEOUT', 'The inference upstream did not answer in time', {
        details: 'The prediction was recorded as failed; try again',
      })
    : new ApiError('UPSTREAM_ERROR', 'The inference upstream failed', { details: 'The prediction was recorded as failed; try again' });

function createPredictionRoute(ctx: AppContext, url: string, summary: string): AnyRoute {
  return defineRoute({
    method: 'POST',
    url,
    summary,
    tag: 'Inference',
    auth: 'inference',
    body: createPredictionBodySchema,
    response: { status: 201, schema: predictionSchema, description: 'The prediction, stored with its charge' },
    errors: {
      MODEL_NOT_FOUND: 'No model with this slug in the catalogue',
      FORBIDDEN: "The account's plan does not include the model",
      INVALID_INPUT: "The input does not match the model's input_schema",
      UPSTREAM_ERROR: 'The inference upstream failed; the prediction is stored as failed',
      UPSTREAM_TIMEOUT: 'The inference upstream did not answer in time; the prediction is stored as failed',
    },
    async handler({ body, request }) {
      const credential = requireCredential(request);
      const model = ctx.catalogue.get(body.model);
      if (model === undefined) throw modelNotFound();
      request.usage = { model: model.slug };
      const plan = await accountPlan(ctx.store.db, credential.accountId);
      if (plan === undefined || !model.plans.includes(plan)) {
        throw new ApiError('FORBIDDEN', `Your plan does not include ${model.slug}`, { details: `Plans that include it: ${model.plans.join(', ')}` });
      }
      const problem = ctx.catalogue.inputProblem(model.slug, body.input);
      if (problem !== null) throw new ApiError('INVALID_INPUT', 'The input does not match the model', { details: problem });

      const id = newId('pred');
      let result: ExecutionResult;
      let failure: UpstreamFailure | undefined;
      try {
        result = await ctx.executor.run({
          predictionId: id,
          model,
          input: body.input,
          accountId: credential.accountId,
          credentialId: credential.credentialId,
          requestId: request.id,
        });
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) throw error;
        failure = error;
        result = { status: 'failed', output: null, error: `upstream ${error.reason}`, upstreamId: null };
      }
      const now = ctx.clock.now();
      const row: PredictionRow = {
        id,
        account_id: credential.accountId,
        credential_kind: credential.kind,
        credential_id: credential.credentialId,
        model: model.slug,
        status: result.status,
        input: JSON.stringify(body.input),
        output: result.output === null ? null : JSON.stringify(result.output),
        error: result.error,
        charge_nanos: chargeFor(result.status, usdToNanos(model.pricing.price)),
        executor: ctx.executor.name,
        upstream_id: result.upstreamId,
        created_at: now,
        // The executor ran it within this request: it started now unless its upstream queued it.
        started_at: result.status === 'queued' ? null : now,
        updated_at: now,
        completed_at: isTerminal(result.status) ? now : null,
        deleted_at: null,
        stream: body.stream ? 1 : 0,
      };
      await insertPrediction(ctx.store.db, row);
      request.usage = { model: model.slug, predictionId: id, chargeNanos: row.charge_nanos };
      if (failure) throw upstreamError(failure.reason);
      return toPredictionView(row, originOf(ctx, request));
    },
  });
}

export const createPredictionRoutes = (ctx: AppContext): AnyRoute[] => [
  createPredictionRoute(ctx, '/v1/predictions', 'Create a prediction'),
  createPredictionRoute(ctx, '/v1/predict', 'Create a prediction (legacy alias of POST /v1/predictions)'),
];
