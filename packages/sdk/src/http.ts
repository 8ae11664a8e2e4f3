/**
 * The SDK's one HTTP path: every call of every client goes through `Transport`. It adds the
 * credential and the caller's headers, applies the timeout, retries when told to, and turns
 * every failure into a `SkytellsError`.
 *
 * Invariants:
 * - Retries are off unless `retry.retries > 0`. A request that is not idempotent (POST) is
 *   retried only when it carries an idempotency key, so a retry never repeats a side effect
 *   the server cannot recognise as a repeat.
 * - A malformed credential fails every call before any I/O (see credential.ts).
 * - Text taken from a response into an error passes `redactCredentials` first.
 * - Only the platform's `fetch`, `AbortController`, `setTimeout` and `TextDecoder`: no Node
 *   built-in, so it runs on Node 20+, Bun, Deno and edge runtimes.
 */
import { redactCredentials } from '@skytells/credentials';
import { SkytellsError } from './errors.js';

export interface RetryOptions {
  /** How many times a failed request is tried again (default 0: no retries). */
  retries?: number;
  /** Base delay in ms of the exponential backoff (default 500); each wait is jittered. */
  retryDelay?: number;
  /** Statuses worth a retry; 0 stands for a network failure. Default [0, 408, 429, 500, 502, 503, 504]. */
  retryOn?: number[];
}

export interface ClientOptions {
  /** Where the API lives. */
  baseUrl?: string;
  /** Per-attempt timeout in ms (default 60 000). */
  timeout?: number;
  retry?: RetryOptions;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumented fetches). */
  fetch?: typeof fetch;
  /** Headers added to every request. */
  headers?: Record<string, string>;
}

/** Options of a single call. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`; it is what allows a POST to be retried. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query | undefined;
  body?: unknown;
  /** The Accept header (default application/json). */
  accept?: string;
  options?: RequestOptions | undefined;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRY_ON = [0, 408, 429, 500, 502, 503, 504];
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const MAX_ERROR_TEXT = 500;

/** Supplies the credential headers for a request, or the error that refuses it locally. */
export type CredentialSource = () => Record<string, string> | SkytellsError;

export class Transport {
  readonly baseUrl: string;
  private readonly timeout: number;
  private readonly retries: number;
  private readonly retryDelay: number;
  private readonly retryOn: readonly number[];
  private readonly fetchFn: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(
    baseUrl: string,
    options: ClientOptions,
    private readonly credential: CredentialSource,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.retries = Math.max(0, Math.floor(options.retry?.retries ?? 0));
    this.retryDelay = options.retry?.retryDelay ?? 500;
    this.retryOn = options.retry?.retryOn ?? DEFAULT_RETRY_ON;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = { ...options.headers };
  }

  /** Sends `call` (with retries where allowed) and answers its JSON body. */
  async request<T>(call: Call): Promise<T> {
    const retryable = IDEMPOTENT.has(call.method) || call.options?.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(call, async (response) => (await readJson(response)) as T);
      } catch (error) {
        if (!(error instanceof SkytellsError)) throw error;
        if (!retryable || attempt >= this.retries || !this.retryOn.includes(error.httpStatus) || error.errorId === 'INVALID_CREDENTIAL') throw error;
        await sleep(this.delayBefore(attempt, error.retryAfter), call.options?.signal);
      }
    }
  }

  /**
   * Sends `call` once and hands the successful response to `consume` (a stream reader): the
   * timeout covers the wait for the response headers only, not the stream that follows.
   */
  async open<T>(call: Call, consume: (response: Response) => T): Promise<T> {
    return this.attempt(call, async (response) => consume(response), { timeoutHeadersOnly: true });
  }

  private delayBefore(attempt: number, retryAfter: number | undefined): number {
    if (retryAfter !== undefined) return retryAfter * 1000;
    // Exponential backoff with "equal jitter": half fixed, half random, so clients that failed
    // together do not all come back together.
    const ceiling = this.retryDelay * 2 ** attempt;
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async attempt<T>(call: Call, onSuccess: (response: Response) => Promise<T>, mode: { timeoutHeadersOnly?: boolean } = {}): Promise<T> {
    const credential = this.credential();
    if (credential instanceof SkytellsError) throw credential;
    const headers: Record<string, string> = { accept: call.accept ?? 'application/json', ...this.headers, ...call.options?.headers, ...credential };
    if (call.options?.idempotencyKey !== undefined) headers['idempotency-key'] = call.options.idempotencyKey;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    const userSignal = call.options?.signal;
    const onUserAbort = () => controller.abort();
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    const release = () => {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onUserAbort);
    };
    try {
      if (userSignal?.aborted) throw abortedError();
      const response = await this.fetchFn(this.url(call.path, call.query), { method: call.method, headers, body, signal: controller.signal });
      // A stream may run long: the timeout stops here, the caller's signal still ends it.
      if (mode.timeoutHeadersOnly) clearTimeout(timer);
      if (!response.ok) throw await errorFrom(response);
      return await onSuccess(response);
    } catch (error) {
      if (error instanceof SkytellsError) throw error;
      if (timedOut) {
        throw new SkytellsError(
          `Request timed out after ${this.timeout}ms`,
          'REQUEST_TIMEOUT',
          `The request took longer than ${this.timeout}ms to complete`,
          408,
        );
      }
      if (userSignal?.aborted) throw abortedError();
      throw networkError(error);
    } finally {
      release();
    }
  }

  private url(path: string, query: Query | undefined): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null) params.set(name, String(value));
      const text = params.toString();
      if (text) url += `?${text}`;
    }
    return url;
  }
}

function abortedError(): SkytellsError {
  return new SkytellsError('The request was aborted', 'REQUEST_ABORTED', 'The caller aborted the request', 0);
}

function networkError(error: unknown): SkytellsError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  const message = error instanceof Error ? `${error.message}${code}` : 'Network error occurred';
  return new SkytellsError(redactCredentials(message), 'NETWORK_ERROR', 'A network error occurred while communicating with the API', 0);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The body of a response as text, cut short and with any credential in it masked. */
async function safeText(response: Response): Promise<string> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return 'Could not read response body';
  }
  const cut = text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}... [truncated]` : text;
  return redactCredentials(cut);
}

/** SERVER_ERROR for an answer that is not JSON (a proxy's HTML page, say), or not valid JSON. */
async function serverError(response: Response, kind: 'not JSON' | 'invalid JSON'): Promise<SkytellsError> {
  const extras = { requestId: requestIdOf(response), retryAfter: retryAfterOf(response) };
  if (kind === 'invalid JSON') {
    return new SkytellsError(
      'Invalid JSON response',
      'SERVER_ERROR',
      `The server returned invalid JSON. Status: ${response.status}`,
      response.status,
      extras,
    );
  }
  const contentType = response.headers.get('content-type') || 'no content type';
  const text = await safeText(response);
  return new SkytellsError(
    `Server responded with non-JSON content (${contentType})`,
    'SERVER_ERROR',
    `Status: ${response.status}, Content: ${text}`,
    response.status,
    extras,
  );
}

const isJson = (response: Response) => (response.headers.get('content-type') ?? '').includes('json');

/** A successful response's JSON; anything else is a SERVER_ERROR. */
async function readJson(response: Response): Promise<unknown> {
  if (!isJson(response)) throw await serverError(response, 'not JSON');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    throw await serverError(response, 'invalid JSON');
  }
  // The Skytells envelope may report a failure in a 200 (`status: false`), as the official SDK also checks.
  if (isEnvelopeError(parsed)) throw envelopeError(parsed, response);
  return parsed;
}

interface Envelope {
  status?: unknown;
  response?: unknown;
  request_id?: unknown;
  error?: { http_status?: unknown; message?: unknown; details?: unknown; error_id?: unknown; accepted_scopes?: unknown };
}

function isEnvelopeError(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && (value as Envelope).status === false;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The request id of an answer (the envelope's, else the header's), with any credential in it masked. */
function requestIdOf(response: Response, fromBody?: unknown): string | undefined {
  const id = str(fromBody) ?? response.headers.get('x-request-id') ?? undefined;
  return id === undefined ? undefined : redactCredentials(id);
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date). */
function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function envelopeError(envelope: Envelope, response: Response): SkytellsError {
  const error = envelope.error ?? {};
  const accepted = Array.isArray(error.accepted_scopes)
    ? error.accepted_scopes.filter((scope): scope is string => typeof scope === 'string')
    : response.headers
        .get('x-accepted-scopes')
        ?.split(',')
        .map((scope) => scope.trim())
        .filter(Boolean);
  const message = str(error.message) ?? str(envelope.response) ?? `HTTP error ${response.status}`;
  const details = str(error.details) ?? str(envelope.response) ?? 'No additional details';
  return new SkytellsError(
    redactCredentials(message),
    str(error.error_id) ?? 'API_ERROR',
    redactCredentials(details),
    typeof error.http_status === 'number' ? error.http_status : response.status,
    {
      requestId: requestIdOf(response, envelope.request_id),
      acceptedScopes: accepted,
      retryAfter: retryAfterOf(response),
    },
  );
}

/** The SkytellsError for a response whose status is not 2xx. */
export async function errorFrom(response: Response): Promise<SkytellsError> {
  if (!isJson(response)) return serverError(response, 'not JSON');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    return serverError(response, 'invalid JSON');
  }
  if (typeof parsed === 'object' && parsed !== null && ('error' in parsed || 'response' in parsed)) {
    const envelope = parsed as Envelope;
    // OAuth endpoints answer RFC 6749 errors: {error: "slow_down", error_description}.
    if (typeof envelope.error === 'string') {
      const oauth = parsed as { error: string; error_description?: unknown };
      const description = redactCredentials(str(oauth.error_description) ?? '');
      return new SkytellsError(description || oauth.error, oauth.error, description, response.status, { requestId: requestIdOf(response) });
    }
    return envelopeError(envelope, response);
  }
  return new SkytellsError(`HTTP error ${response.status}`, 'HTTP_ERROR', `The server returned status code ${response.status}`, response.status, {
    requestId: requestIdOf(response),
    retryAfter: retryAfterOf(response),
  });
}
