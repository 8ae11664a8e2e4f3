/**
 * The http executor forwards a prediction to INFERENCE_UPSTREAM_URL (`POST {url}/predictions`)
 * with the account id, credential id and request id in headers.
 *
 * Invariant: the caller's key never leaves this server. The upstream trusts the operator's
 * network, not the developer's credential.
 */
import { type ExecutionRequest, type ExecutionResult, type Executor, UpstreamFailure } from './executor.js';

const UPSTREAM_STATUSES = new Set(['queued', 'processing', 'succeeded', 'failed']);

export class HttpExecutor implements Executor {
  readonly name = 'http' as const;

  constructor(
    private readonly upstreamUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async run(request: ExecutionRequest): Promise<ExecutionResult> {
    let response: Response;
    try {
      response = await fetch(new URL('predictions', this.upstreamUrl.endsWith('/') ? this.upstreamUrl : `${this.upstreamUrl}/`), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-skytells-account-id': request.accountId,
          'x-skytells-credential-id': request.credentialId,
          'x-request-id': request.requestId,
        },
        body: JSON.stringify({ id: request.predictionId, model: request.model.slug, input: request.input }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new UpstreamFailure((error as Error).name === 'TimeoutError' ? 'timeout' : 'failed');
    }
    if (!response.ok) throw new UpstreamFailure('failed');
    let body: { status?: unknown; output?: unknown; error?: unknown; id?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new UpstreamFailure('failed');
    }
    const status = typeof body.status === 'string' && UPSTREAM_STATUSES.has(body.status) ? body.status : 'succeeded';
    return {
      status: status as ExecutionResult['status'],
      output: body.output ?? null,
      error: typeof body.error === 'string' ? body.error.slice(0, 1000) : null,
      upstreamId: typeof body.id === 'string' ? body.id.slice(0, 200) : null,
    };
  }
}
