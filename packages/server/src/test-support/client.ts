/**
 * A small HTTP client for tests, speaking to a real listening server with fetch. It keeps
 * the session cookie like a browser would and, like a same-origin console page, sends
 * `Origin` on state-changing requests unless told otherwise.
 */
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Send no Origin header even on a state-changing request. */
  noOrigin?: boolean;
  /** Do not send the stored session cookie. */
  noCookie?: boolean;
}

export class TestClient {
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie && !options.noCookie) headers.cookie = this.cookie;
    if (method !== 'GET' && method !== 'HEAD' && !options.noOrigin && headers.origin === undefined) headers.origin = this.baseUrl;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>('GET', path, options);
  post = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('POST', path, { ...options, body });
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>('DELETE', path, options);

  /** Signs up a fresh account and keeps its session. */
  async signup(overrides: Partial<{ email: string; password: string; name: string }> = {}) {
    const email = overrides.email ?? `user-${Math.random().toString(36).slice(2)}@example.com`;
    const password = overrides.password ?? 'correct horse battery staple';
    const response = await this.post('/api/v1/auth/signup', { email, password, name: overrides.name ?? 'Test User' });
    if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${response.text}`);
    return { email, password, account: response.body };
  }

  async createKey(name = 'test key'): Promise<{ id: string; key: string }> {
    const response = await this.post('/api/v1/keys', { name });
    if (response.status !== 201) throw new Error(`create key failed: ${response.status} ${response.text}`);
    return response.body;
  }
}
