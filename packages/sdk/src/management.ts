/**
 * The management client: an account's keys, tokens, usage and audit log, authenticated by a
 * personal access token (`Authorization: Bearer`), each call limited by the token's scopes.
 *
 * There is no `tokens.create`: no token can mint a token. New tokens come from the console,
 * or from a device login the user approves there (see device.ts).
 */
import { checkCredential, credentialHeaders } from './credential.js';
import { SkytellsError } from './errors.js';
import { type ClientOptions, type RequestOptions, Transport } from './http.js';
import type {
  Account,
  ApiKey,
  ApiKeyCreate,
  ApiKeyPage,
  ApiKeyRotate,
  AuditPage,
  AuditQuery,
  CreatedApiKey,
  PageQuery,
  RotatedToken,
  Token,
  TokenPage,
  TokenRotateSelf,
  UsageAggregates,
  UsageEvent,
  UsageEventsPage,
  UsageEventsQuery,
  UsageQuery,
} from './types.js';

/** Where the management API lives when no `baseUrl` is given: the server's origin, without a path. */
export const MANAGEMENT_BASE_URL = 'https://api.skytells.ai';

const id = (value: string) => encodeURIComponent(value);

export class ManagementClient {
  private readonly http: Transport;

  readonly keys = {
    list: (query: PageQuery = {}, options?: RequestOptions): Promise<ApiKeyPage> =>
      this.http.request({ method: 'GET', path: '/api/v1/keys', query, options }),
    get: (keyId: string, options?: RequestOptions): Promise<ApiKey> =>
      this.http.request({ method: 'GET', path: `/api/v1/keys/${id(keyId)}`, options }),
    /** Creates a key (needs `keys.write` and `inference`); the answer's `key` is shown this once. */
    create: (body: ApiKeyCreate, options?: RequestOptions): Promise<CreatedApiKey> =>
      this.http.request({ method: 'POST', path: '/api/v1/keys', body, options }),
    /** A new key replaces this one, which keeps working for `grace_period_seconds` (default 0). */
    rotate: (keyId: string, body: ApiKeyRotate = {}, options?: RequestOptions): Promise<CreatedApiKey> =>
      this.http.request({ method: 'POST', path: `/api/v1/keys/${id(keyId)}/rotate`, body, options }),
    revoke: (keyId: string, options?: RequestOptions): Promise<ApiKey> =>
      this.http.request({ method: 'DELETE', path: `/api/v1/keys/${id(keyId)}`, options }),
  };

  readonly tokens = {
    list: (query: PageQuery = {}, options?: RequestOptions): Promise<TokenPage> =>
      this.http.request({ method: 'GET', path: '/api/v1/tokens', query, options }),
    get: (tokenId: string, options?: RequestOptions): Promise<Token> =>
      this.http.request({ method: 'GET', path: `/api/v1/tokens/${id(tokenId)}`, options }),
    revoke: (tokenId: string, options?: RequestOptions): Promise<Token> =>
      this.http.request({ method: 'DELETE', path: `/api/v1/tokens/${id(tokenId)}`, options }),
    /**
     * Rotates the token this client uses into one with the same or fewer scopes. The answer's
     * `token` is the new secret, shown once; this client keeps using the old one (build a new
     * client with the new token).
     */
    rotateSelf: (body: TokenRotateSelf = {}, options?: RequestOptions): Promise<RotatedToken> =>
      this.http.request({ method: 'POST', path: '/api/v1/tokens/self/rotate', body, options }),
  };

  readonly account = {
    get: (options?: RequestOptions): Promise<Account> => this.http.request({ method: 'GET', path: '/api/v1/account', options }),
  };

  readonly usage = {
    get: (query: UsageQuery = {}, options?: RequestOptions): Promise<UsageAggregates> =>
      this.http.request({ method: 'GET', path: '/api/v1/usage', query, options }),
    /** One page of request groups; pass the previous page's `next_cursor` for the next. */
    eventsPage: (query: UsageEventsQuery & { cursor?: string } = {}, options?: RequestOptions): Promise<UsageEventsPage> =>
      this.http.request({ method: 'GET', path: '/api/v1/usage/events', query, options }),
    /** Every request group matching `query`, fetching page after page as the iteration goes. */
    events: (query: UsageEventsQuery = {}, options?: RequestOptions): AsyncIterable<UsageEvent> => this.allUsageEvents(query, options),
  };

  readonly audit = {
    list: (query: AuditQuery = {}, options?: RequestOptions): Promise<AuditPage> =>
      this.http.request({ method: 'GET', path: '/api/v1/audit', query, options }),
  };

  constructor(token: string, options: ClientOptions = {}) {
    const kind = checkCredential(token ?? '', ['personal_access_token']);
    this.http = new Transport(
      options.baseUrl ?? MANAGEMENT_BASE_URL,
      options,
      kind instanceof SkytellsError ? () => kind : () => credentialHeaders(token, kind),
    );
  }

  private async *allUsageEvents(query: UsageEventsQuery, options?: RequestOptions): AsyncGenerator<UsageEvent> {
    let cursor: string | undefined;
    do {
      const page = await this.usage.eventsPage({ ...query, ...(cursor === undefined ? {} : { cursor }) }, options);
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
}

/**
 * A management client for `token` (a personal access token). `options.baseUrl` is the server's
 * origin, e.g. `http://127.0.0.1:8080` (no `/api/v1`).
 */
export function createManagementClient(token: string, options: ClientOptions = {}): ManagementClient {
  return new ManagementClient(token, options);
}
