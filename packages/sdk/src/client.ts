/**
 * The inference client: the official SDK's methods under the same names (predict,
 * getPrediction, listModels, streamPrediction, cancelPrediction, deletePrediction) and the
 * grouped surface `models.*` / `predictions.*`, plus `wait` and a real event stream.
 *
 * It takes an API key (sent as `x-api-key`) or a personal access token with `inference`
 * (sent as `Authorization: Bearer`); anything else is refused locally, before any request.
 */
import { checkCredential, credentialHeaders } from './credential.js';
import { SkytellsError } from './errors.js';
import { type ClientOptions, type CredentialSource, type RequestOptions, Transport } from './http.js';
import { readEvents } from './sse.js';
import type { DeletedPrediction, ModelInfo, Prediction, PredictionCreate, PredictionListQuery, PredictionPage } from './types.js';

export const API_BASE_URL = 'https://api.skytells.ai/v1';

/** A model as `listModels` answers it. */
export type Model = ModelInfo;
/** What `predict` takes: our fields, plus the official SDK's optional ones (sent as given). */
export type PredictionRequest = PredictionCreate & { webhook?: { url: string; events: string[] }; await?: boolean };
export type PredictionResponse = Prediction;

/** Prediction statuses: the official SDK's names, and the ones this server answers. */
export const PredictionStatus = {
  PENDING: 'pending',
  QUEUED: 'queued',
  STARTING: 'starting',
  STARTED: 'started',
  PROCESSING: 'processing',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  CANCELED: 'canceled',
} as const;
export type PredictionStatus = (typeof PredictionStatus)[keyof typeof PredictionStatus];

const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

/** One Server-Sent Event of `predictions.stream`. */
export type PredictionEvent =
  | { event: 'status'; data: Prediction }
  | { event: 'output'; data: unknown }
  | { event: 'done'; data: { id: string; status: Prediction['status'] } }
  | { event: 'error'; data: { error_id: string; message: string } };

export interface WaitOptions {
  /** Poll interval in ms (default 1000). */
  interval?: number;
  /** Give up after this many ms (default: no limit) with a WAIT_TIMEOUT error (408). */
  maxWait?: number;
  signal?: AbortSignal;
}

const path = (strings: TemplateStringsArray, ...values: string[]) =>
  strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i] as string) : ''), '');

export class SkytellsClient {
  private readonly http: Transport;

  readonly models = {
    list: (options?: RequestOptions): Promise<Model[]> => this.http.request({ method: 'GET', path: '/models', options }),
    get: (slug: string, options?: RequestOptions): Promise<Model> => this.http.request({ method: 'GET', path: path`/models/${slug}`, options }),
  };

  readonly predictions = {
    create: (payload: PredictionRequest, options?: RequestOptions): Promise<Prediction> =>
      this.http.request({ method: 'POST', path: '/predictions', body: payload, options }),
    get: (id: string, options?: RequestOptions): Promise<Prediction> => this.http.request({ method: 'GET', path: path`/predictions/${id}`, options }),
    list: (query: PredictionListQuery = {}, options?: RequestOptions): Promise<PredictionPage> =>
      this.http.request({ method: 'GET', path: '/predictions', query, options }),
    cancel: (id: string, options?: RequestOptions): Promise<Prediction> =>
      this.http.request({ method: 'POST', path: path`/predictions/${id}/cancel`, options }),
    delete: (id: string, options?: RequestOptions): Promise<DeletedPrediction> =>
      this.http.request({ method: 'DELETE', path: path`/predictions/${id}`, options }),
    /**
     * The prediction's changes as they happen: `status` (the whole prediction), `output`, then
     * `done` or `error`. A stream the server ends early (it caps each at a few minutes) is
     * reopened, so the iteration ends only at `done`, `error`, or when the caller stops (`break`,
     * or aborts `options.signal`).
     */
    stream: (id: string, options?: RequestOptions): AsyncIterable<PredictionEvent> => this.events(id, options),
  };

  constructor(apiKey?: string, options: ClientOptions = {}) {
    let credential: CredentialSource = () => ({});
    if (apiKey) {
      const kind = checkCredential(apiKey, ['api_key', 'personal_access_token']);
      credential = kind instanceof SkytellsError ? () => kind : () => credentialHeaders(apiKey, kind);
    }
    this.http = new Transport(options.baseUrl ?? API_BASE_URL, options, credential);
  }

  /** Creates a prediction (official SDK name; same as `predictions.create`). */
  predict(payload: PredictionRequest, options?: RequestOptions): Promise<PredictionResponse> {
    return this.predictions.create(payload, options);
  }

  getPrediction(id: string, options?: RequestOptions): Promise<PredictionResponse> {
    return this.predictions.get(id, options);
  }

  listModels(options?: RequestOptions): Promise<Model[]> {
    return this.models.list(options);
  }

  /** The official SDK's `streamPrediction`: the prediction as JSON from its stream URL. For events, use `predictions.stream`. */
  streamPrediction(id: string, options?: RequestOptions): Promise<PredictionResponse> {
    return this.http.request({ method: 'GET', path: path`/predictions/${id}/stream`, options });
  }

  cancelPrediction(id: string, options?: RequestOptions): Promise<PredictionResponse> {
    return this.predictions.cancel(id, options);
  }

  /** Deletes a prediction (its input and output); answers `{id, deleted: true}`. */
  deletePrediction(id: string, options?: RequestOptions): Promise<DeletedPrediction> {
    return this.predictions.delete(id, options);
  }

  /** Polls a prediction until it succeeds, fails or is cancelled, and answers it as it then is. */
  async wait(prediction: Prediction | string, options: WaitOptions = {}): Promise<Prediction> {
    const id = typeof prediction === 'string' ? prediction : prediction.id;
    const interval = options.interval ?? 1000;
    const started = Date.now();
    const signal = options.signal;
    let current = typeof prediction === 'string' ? await this.predictions.get(id, { signal }) : prediction;
    while (!TERMINAL.has(current.status)) {
      if (options.maxWait !== undefined && Date.now() - started + interval > options.maxWait) {
        throw new SkytellsError(
          `Prediction ${id} did not finish within ${options.maxWait}ms`,
          'WAIT_TIMEOUT',
          `Its status is still ${current.status}`,
          408,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
      if (signal?.aborted) throw new SkytellsError('The wait was aborted', 'REQUEST_ABORTED', 'The caller aborted the wait', 0);
      current = await this.predictions.get(id, { signal });
    }
    return current;
  }

  private async *events(id: string, options?: RequestOptions): AsyncGenerator<PredictionEvent> {
    for (;;) {
      const response = await this.http.open(
        { method: 'GET', path: path`/predictions/${id}/stream`, accept: 'text/event-stream', options },
        (opened) => opened,
      );
      let received = 0;
      for await (const message of readEvents(response, options?.signal)) {
        received++;
        const event = { event: message.event ?? 'message', data: JSON.parse(message.data) as unknown } as PredictionEvent;
        yield event;
        if (event.event === 'done' || event.event === 'error') return;
      }
      // Ended without a final event: the server closed a long stream; reopen, unless it sent
      // nothing at all or the caller aborted.
      if (received === 0 || options?.signal?.aborted) return;
    }
  }
}
