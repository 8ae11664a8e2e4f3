/**
 * Verification of a presented key or token against POST /api/v1/credentials/verify, for an
 * operator's own service: `verifyCredential` asks once; `CredentialVerifier` caches positive
 * answers briefly and follows the revocation feed so that a revocation takes effect on the
 * very next request.
 *
 * How revocation reaches the cache (docs/sdk.md, "Revocation"):
 * - The verifier keeps GET /api/v1/credentials/revocations open (Server-Sent Events). The
 *   server sends the SHA-256 of each credential a revocation (or rotation, or leak report)
 *   touched; the verifier evicts those entries, then acknowledges the event, and the server
 *   answers the revocation only after that acknowledgement (or 1 s at most). So once anyone
 *   has seen "revoked", this process has already dropped the credential.
 * - Cache keys are that same SHA-256, so an event evicts exactly the right entry.
 * - The cache is read and written only while the feed is open and has said `ready`. While it is
 *   down (not yet connected, reconnecting, silent past its ping interval), every request is
 *   verified by the server; every reconnect starts from an empty cache, since news may have
 *   been missed. A verification that began before any feed event is not cached (generation
 *   check), so a stale answer in flight cannot be stored after its revocation.
 * - Entries live at most `cacheTtl` (default 30 s) and never past the credential's own expiry.
 *
 * Invariants: a credential that fails the local format check (prefix, length, checksum) is
 * refused without a request; the credential is never logged nor put in an error.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { parseCredential } from '@skytells/credentials';
import { checkCredential, credentialHeaders } from '../credential.js';
import { SkytellsError } from '../errors.js';
import { type ClientOptions, Transport } from '../http.js';
import { MANAGEMENT_BASE_URL } from '../management.js';
import { readEvents } from '../sse.js';
import type { BodyOf, ResponseOf } from '../types.js';

export type Verification = ResponseOf<'/api/v1/credentials/verify', 'post'>;
export type ValidCredential = Extract<Verification, { valid: true }>;
type VerifyBody = BodyOf<'/api/v1/credentials/verify', 'post'>;

export interface VerifyOptions extends ClientOptions {
  /** A personal access token of the account whose credentials are verified, holding `credentials.verify`. */
  token: string;
  /** The server's origin, e.g. `https://api.example.com` (no `/api/v1`). */
  baseUrl?: string;
}

const INVALID = { valid: false, error: 'invalid_credential' } as const satisfies Verification;

function verifyTransport(options: VerifyOptions): Transport {
  const kind = checkCredential(options.token ?? '', ['personal_access_token']);
  return new Transport(options.baseUrl ?? MANAGEMENT_BASE_URL, { timeout: 10_000, ...options }, () =>
    kind instanceof SkytellsError ? kind : credentialHeaders(options.token, kind),
  );
}

/**
 * Asks the server once whether `credential` is valid (and holds `requiredScopes`). A string
 * that is not even credential-shaped is answered invalid without a request.
 */
export async function verifyCredential(credential: string, options: VerifyOptions & { requiredScopes?: string[] }): Promise<Verification> {
  if (parseCredential(credential) === null) return INVALID;
  const body: VerifyBody = { credential, ...(options.requiredScopes ? { required_scopes: options.requiredScopes } : {}) };
  return verifyTransport(options).request({ method: 'POST', path: '/api/v1/credentials/verify', body });
}

export interface CredentialVerifierOptions extends VerifyOptions {
  /** How long a positive answer is reused, in ms (default 30 000); never past the credential's expiry. */
  cacheTtl?: number;
  /** Most answers kept (default 10 000); the least recently used go first. */
  cacheSize?: number;
  /** Called with feed problems (it reconnects by itself); the default ignores them. */
  onFeedError?: (error: unknown) => void;
}

/** The outcome of a check: the credential's verification, or why it is refused. */
export type CheckResult =
  | { ok: true; credential: ValidCredential }
  | { ok: false; status: 401; errorId: 'UNAUTHORIZED' }
  | { ok: false; status: 403; errorId: 'FORBIDDEN'; acceptedScopes: string[] }
  | { ok: false; status: 503; errorId: 'SERVICE_UNAVAILABLE' };

const FEED_SILENCE_MS = 45_000; // three of the server's 15 s pings
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 30_000;

const utf8 = new TextEncoder();

/**
 * Lowercase hex SHA-256, as the server stores and the feed names credentials. Synchronous
 * (@noble/hashes, bundled in): Web Crypto's digest is asynchronous and costs a thread-pool
 * round trip, which dominated the middleware's cost per request.
 */
function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8.encode(text)));
}

/** Lets a timer not keep a Node process alive; a no-op where timers are plain numbers. */
function unref(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) (timer as { unref(): void }).unref();
}

export class CredentialVerifier {
  private readonly http: Transport;
  private readonly options: CredentialVerifierOptions;
  private readonly ttl: number;
  private readonly capacity: number;
  private readonly cache = new Map<string, { credential: ValidCredential; until: number }>();
  private readonly inFlight = new Map<string, Promise<Verification>>();
  /** Bumped by every feed event and state change: a lookup begun before it is not cached. */
  private generation = 0;
  private feedReady = false;
  private feed: AbortController | undefined;
  private silence: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private closed = false;

  constructor(options: CredentialVerifierOptions) {
    this.options = options;
    this.http = verifyTransport(options);
    this.ttl = options.cacheTtl ?? 30_000;
    this.capacity = options.cacheSize ?? 10_000;
  }

  /** Whether cached answers are in use now: the revocation feed is connected and ready. */
  get trusted(): boolean {
    return this.feedReady;
  }

  /**
   * Verifies `credential` (from the cache when trusted), then checks `requiredScopes` here, so
   * one cached answer serves routes that need different scopes.
   */
  async check(credential: string | undefined, requiredScopes: readonly string[] = []): Promise<CheckResult> {
    if (credential === undefined || parseCredential(credential) === null) return { ok: false, status: 401, errorId: 'UNAUTHORIZED' };
    this.startFeed();
    let verification: Verification;
    try {
      verification = await this.verify(credential);
    } catch {
      // Fail closed: a service that cannot verify does not let anyone in.
      return { ok: false, status: 503, errorId: 'SERVICE_UNAVAILABLE' };
    }
    if (!verification.valid) return { ok: false, status: 401, errorId: 'UNAUTHORIZED' };
    const missing = requiredScopes.filter((scope) => !verification.scopes.includes(scope));
    if (missing.length > 0) return { ok: false, status: 403, errorId: 'FORBIDDEN', acceptedScopes: [...requiredScopes] };
    return { ok: true, credential: verification };
  }

  /** The server's answer for `credential` (without required scopes), from the cache when it may be used. */
  async verify(credential: string): Promise<Verification> {
    const hash = sha256Hex(credential);
    const now = Date.now();
    if (this.feedReady) {
      const hit = this.cache.get(hash);
      if (hit !== undefined) {
        this.cache.delete(hash);
        if (hit.until > now) {
          this.cache.set(hash, hit);
          return hit.credential;
        }
      }
      const shared = this.inFlight.get(hash);
      if (shared !== undefined) return shared;
    }
    const generation = this.generation;
    const lookup = this.http.request<Verification>({ method: 'POST', path: '/api/v1/credentials/verify', body: { credential } satisfies VerifyBody });
    if (this.feedReady) {
      this.inFlight.set(hash, lookup);
      const forget = () => {
        if (this.inFlight.get(hash) === lookup) this.inFlight.delete(hash);
      };
      lookup.then(forget, forget);
    }
    const answer = await lookup;
    if (answer.valid && this.feedReady && generation === this.generation) this.remember(hash, answer);
    return answer;
  }

  /** Stops following the feed and forgets every answer. */
  close(): void {
    this.closed = true;
    this.dropAll();
    this.feed?.abort();
    if (this.silence) clearTimeout(this.silence);
  }

  private remember(hash: string, credential: ValidCredential): void {
    const expiry = credential.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(credential.expires_at);
    const until = Math.min(Date.now() + this.ttl, expiry);
    this.cache.delete(hash);
    this.cache.set(hash, { credential, until });
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
  }

  private dropAll(): void {
    this.generation++;
    this.feedReady = false;
    this.cache.clear();
    this.inFlight.clear();
  }

  private startFeed(): void {
    if (this.feed !== undefined || this.closed) return;
    const controller = new AbortController();
    this.feed = controller;
    this.follow(controller)
      .catch((error: unknown) => this.options.onFeedError?.(error))
      .finally(() => {
        this.dropAll();
        if (this.silence) clearTimeout(this.silence);
        if (this.feed === controller) this.feed = undefined;
        if (this.closed) return;
        const delay = this.reconnectDelay;
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
        // Reconnects on the next check after the delay; until then every check asks the server.
        const timer = setTimeout(() => this.startFeed(), delay);
        unref(timer);
      });
  }

  /** Reads the feed until it ends; `ready` makes the cache usable, every other event evicts. */
  private async follow(controller: AbortController): Promise<void> {
    const watchdog = () => {
      if (this.silence) clearTimeout(this.silence);
      this.silence = setTimeout(() => controller.abort(), FEED_SILENCE_MS);
      unref(this.silence);
    };
    watchdog();
    let subscription = '';
    await this.http.open(
      { method: 'GET', path: '/api/v1/credentials/revocations', accept: 'text/event-stream', options: { signal: controller.signal } },
      async (response) => {
        for await (const message of readEvents(response, controller.signal)) {
          watchdog();
          if (message.event === 'ready') {
            subscription = (JSON.parse(message.data) as { subscription_id: string }).subscription_id;
            this.generation++;
            this.feedReady = true;
            this.reconnectDelay = RECONNECT_MIN_MS;
          } else if (message.event === 'revoked') {
            this.generation++;
            const { hashes, seq } = JSON.parse(message.data) as { hashes: string[]; seq: number };
            for (const hash of hashes) {
              this.cache.delete(hash);
              this.inFlight.delete(hash);
            }
            // Evicted first, acknowledged second: the server answers the revocation after this.
            this.http
              .request({ method: 'POST', path: '/api/v1/credentials/revocations/ack', body: { subscription_id: subscription, seq } })
              .catch((error: unknown) => this.options.onFeedError?.(error));
          } else if (message.event === 'reset') {
            this.dropAll();
            this.feedReady = true;
          }
          if (controller.signal.aborted) return;
        }
      },
    );
  }
}

export function createCredentialVerifier(options: CredentialVerifierOptions): CredentialVerifier {
  return new CredentialVerifier(options);
}
