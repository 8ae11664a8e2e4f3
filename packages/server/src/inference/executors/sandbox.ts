/**
 * The sandbox executor: no upstream, no randomness. The same model and input always give
 * the same output, and every prediction has succeeded before the create call returns.
 */
import { createHash } from 'node:crypto';
import type { ExecutionRequest, ExecutionResult, Executor } from './executor.js';

export class SandboxExecutor implements Executor {
  readonly name = 'sandbox' as const;

  async run({ model, input }: ExecutionRequest): Promise<ExecutionResult> {
    const digest = createHash('sha256')
      .update(`${model.slug}\n${JSON.stringify(input)}`)
      .digest('hex')
      .slice(0, 16);
    const prompt = typeof (input as { prompt?: unknown }).prompt === 'string' ? (input as { prompt: string }).prompt : '';
    const output =
      model.type === 'text'
        ? { text: `[sandbox ${model.slug}] ${prompt}` }
        : { url: `https://sandbox.skytells.invalid/${model.slug}/${digest}.${model.type === 'video' ? 'mp4' : 'png'}` };
    return { status: 'succeeded', output, error: null, upstreamId: null };
  }
}
