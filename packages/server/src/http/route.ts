/**
 * A route is declared once, as data: method, path, auth, zod schemas for params, query,
 * body and the success response, and a handler. The same declaration registers the route
 * with Fastify, validates each request, types the handler, and writes the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/**
 * - `none`: public.
 * - `account`: the console session cookie (or, later, a personal access token).
 * - `inference`: an API key in `x-api-key`; the `/v1` surface.
 */
export type RouteAuth = 'none' | 'account' | 'inference';

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
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: { status: 200 | 201; schema: z.ZodType<R>; description: string };
  handler(input: RouteInput<P, Q, B>): Promise<R | PreSerialized>;
}

// The handler's input is checked against the schemas at definition; the registry stores
// routes of any shape, hence `any` in this one alias.
export type AnyRoute = RouteDefinition<any, any, any, any>;

export function defineRoute<P = undefined, Q = undefined, B = undefined, R = unknown>(
  definition: RouteDefinition<P, Q, B, R>,
): AnyRoute {
  return definition as AnyRoute;
}
