/**
 * Executors run predictions behind one interface: `sandbox` completes them locally and
 * deterministically, `http` forwards them to the operator's upstream.
 */
import type { Model } from '../schema.js';

export interface ExecutionRequest {
  predictionId: string;
  model: Model;
  input: unknown;
  accountId: string;
  credentialId: string;
  requestId: string;
}

export interface ExecutionResult {
  status: 'queued' | 'processing' | 'succeeded' | 'failed';
  output: unknown;
  error: string | null;
  upstreamId: string | null;
}

export interface Executor {
  readonly name: 'sandbox' | 'http';
  run(request: ExecutionRequest): Promise<ExecutionResult>;
}

/** The upstream did not answer in time (`timeout`) or answered with an error (`failed`). */
export class UpstreamFailure extends Error {
  constructor(readonly reason: 'timeout' | 'failed') {
    super(`upstream ${reason}`);
  }
}
