/**
 * Fastify, Express and Hono middleware over one `CredentialVerifier`. Each takes the
 * credential from `x-api-key` or `Authorization: Bearer`, refuses with the Skytells error
 * envelope (401, 403 with `x-accepted-scopes`, or 503 when the platform cannot be reached:
 * fail closed), and on success exposes the verified credential to the handler.
 *
 * No framework is imported: the adapters are typed structurally, so the SDK depends on none
 * of them and works with whichever the service uses.
 */
import type { CheckResult, CredentialVerifier, ValidCredential } from './verify.js';

export interface MiddlewareOptions {
  /** Scopes the credential must hold on these routes (an API key holds `inference` only). */
  requiredScopes?: string[];
}

type HeaderValue = string | string[] | undefined;

/** The presented credential: `x-api-key`, else a Bearer token. */
export function presentedCredential(header: (name: string) => HeaderValue): string | undefined {
  const first = (value: HeaderValue) => (Array.isArray(value) ? value[0] : value);
  const key = first(header('x-api-key'));
  if (key) return key.trim();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(first(header('authorization')) ?? '');
  return match?.[1];
}

const MESSAGES = {
  UNAUTHORIZED: ['Invalid or missing credential', 'Send a valid API key in x-api-key, or a personal access token as Authorization: Bearer'],
  FORBIDDEN: ['Missing scope', 'The credential lacks a scope this route needs; x-accepted-scopes lists them'],
  SERVICE_UNAVAILABLE: ['Credential verification unavailable', 'The credential could not be verified; try again shortly'],
} as const;

export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: {
    status: false;
    response: string;
    error: { http_status: number; message: string; details: string; error_id: string; accepted_scopes?: string[] };
  };
}

/** The envelope a refused request gets; never mentions the credential. */
export function refusalOf(result: Exclude<CheckResult, { ok: true }>): Refusal {
  const [message, details] = MESSAGES[result.errorId];
  const headers: Record<string, string> = {};
  const error: Refusal['body']['error'] = { http_status: result.status, message, details, error_id: result.errorId };
  if (result.status === 403) {
    headers['x-accepted-scopes'] = result.acceptedScopes.join(',');
    error.accepted_scopes = result.acceptedScopes;
  }
  if (result.status === 503) headers['retry-after'] = '1';
  return { status: result.status, headers, body: { status: false, response: message, error } };
}

/** A Node request as Fastify and Express hand it over; the verified credential goes on `skytells`. */
interface NodeLikeRequest {
  headers: Record<string, HeaderValue>;
  skytells?: ValidCredential;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(body: unknown): unknown;
}

/**
 * A Fastify `onRequest` / `preHandler` hook: `app.addHook('onRequest', skytellsFastify(verifier))`.
 * On success `request.skytells` is the verified credential.
 */
export function skytellsFastify(verifier: CredentialVerifier, options: MiddlewareOptions = {}) {
  return async (request: NodeLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    const result = await verifier.check(
      presentedCredential((name) => request.headers[name]),
      options.requiredScopes,
    );
    if (result.ok) {
      request.skytells = result.credential;
      return;
    }
    const refusal = refusalOf(result);
    await reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
  };
}

interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  set(headers: Record<string, string>): ExpressLikeResponse;
  json(body: unknown): unknown;
}

/** Express middleware: `app.use(skytellsExpress(verifier))`. On success `req.skytells` is the verified credential. */
export function skytellsExpress(verifier: CredentialVerifier, options: MiddlewareOptions = {}) {
  return (req: NodeLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void): void => {
    verifier
      .check(
        presentedCredential((name) => req.headers[name]),
        options.requiredScopes,
      )
      .then((result) => {
        if (result.ok) {
          req.skytells = result.credential;
          next();
          return;
        }
        const refusal = refusalOf(result);
        res.status(refusal.status).set(refusal.headers).json(refusal.body);
      }, next);
  };
}

interface HonoLikeContext {
  req: { header(name: string): string | undefined };
  set(key: 'skytells', value: ValidCredential): void;
  json(body: unknown, status: number, headers: Record<string, string>): Response;
}

/** Hono middleware: `app.use(skytellsHono(verifier))`. On success `c.get('skytells')` is the verified credential. */
export function skytellsHono(verifier: CredentialVerifier, options: MiddlewareOptions = {}) {
  return async (c: HonoLikeContext, next: () => Promise<void>): Promise<Response | undefined> => {
    const result = await verifier.check(
      presentedCredential((name) => c.req.header(name)),
      options.requiredScopes,
    );
    if (result.ok) {
      c.set('skytells', result.credential);
      await next();
      return undefined;
    }
    const refusal = refusalOf(result);
    return c.json(refusal.body, refusal.status, refusal.headers);
  };
}
