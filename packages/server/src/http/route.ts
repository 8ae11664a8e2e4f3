/**
 * A route is declared once, as data: method, path, auth, zod schemas for params, query,
 * body and the success response, and a handler. The same declaration registers the route
 * with Fastify, validates each request, types the handler, and writes the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/**
 * - `none`: public.
 * - `session`: the console session cookie only (a token can never do this).
 * - `account`: the session cookie, or a personal access token holding every one of `scopes`.
 * - `inference`: an API key in `x-api-key`, or a token with the `inference` scope; the `/v1` surface.
 */
export type RouteAuth = 'none' | 'session' | 'account' | 'inference';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A response body serialized ahead of time (or not JSON at all), sent as it is. */
export class PreSerialized {
  constructor(
    readonly body: string,
    readonly contentType = 'application/json; charset=utf-8',
  ) {}
}

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify path syntax, `:name` for parameters. */
  url: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  /** Also accept `application/x-www-form-urlencoded` bodies (the OAuth endpoints). */
  acceptsForm?: boolean;
  /** A body limit below the server-wide one (public endpoints: cheap to refuse). */
  bodyLimit?: number;
  /** With `auth: 'account'`: the scopes a token needs, all of them. */
  scopes?: readonly string[];
  /**
   * Called when a presented token does not authenticate, before the 401: lets a route react
   * to the use of a dead token (self-rotation revokes a stolen token's whole family).
   */
  onRejectedToken?: (presented: string, request: FastifyRequest) => Promise<void>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: { status: 200 | 201; schema: z.ZodType<R>; description: string };
  handler(input: RouteInput<P, Q, B>): Promise<R | PreSerialized>;
}

// The handler's input is checked against the schemas at definition; the registry stores
// routes of any shape, hence `any` in this one alias.
export type AnyRoute = RouteDefinition<any, any, any, any>;

export function defineRoute<P = undefined, Q = undefined, B = undefined, R = unknown>(definition: RouteDefinition<P, Q, B, R>): AnyRoute {
  return definition as AnyRoute;
}
