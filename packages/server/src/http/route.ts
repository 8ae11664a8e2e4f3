/**
 * A route is declared once, as data: method, path, auth, zod schemas for params, query,
 * body and every answer it gives, and a handler. The same declaration registers the route
 * with Fastify, validates each request, types the handler, and writes the OpenAPI document
 * (and from it docs/api.md).
 *
 * The declaration binds the handler at compile time: it can only return the declared
 * response body (no field the schema lacks, at any depth, and none of the wrong type), a
 * body pre-serialized from such a value, or an `Answer` with one of the declared
 * `otherResponses`. `route.types.test.ts` proves each refusal. Nothing is checked per
 * request in production; test servers check every answer against the declaration
 * (see answer-check.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ErrorId } from './errors.js';

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

declare const serializedFrom: unique symbol;

/**
 * A JSON body serialized ahead of time (a page served unchanged to every caller), sent as
 * it is: UTF-8 bytes, so no answer encodes it again. Only `PreSerialized.of` makes one, so
 * its type names the value it was serialized from, and a route accepts it only where it
 * would accept that value.
 */
export class PreSerialized<T> {
  /** Type only: the value this JSON was serialized from. */
  declare readonly [serializedFrom]: T;
  private constructor(readonly bytes: Buffer) {}
  static of<T>(value: T): PreSerialized<T> {
    return new PreSerialized<T>(Buffer.from(JSON.stringify(value)));
  }
}

/** An answer other than the route's main response: one of its declared `otherResponses`. */
export class Answer<Status extends number, T> {
  constructor(
    readonly status: Status,
    readonly body: T,
  ) {}
}

/** The main (success) response. */
export interface ResponseDeclaration<S extends z.ZodType = z.ZodType> {
  status: 200 | 201;
  schema: S;
  description: string;
  /** A body that is not JSON (an HTML page, Prometheus text): the handler returns it as a string. */
  contentType?: string;
  /** Headers this response sets beyond those every response of its kind carries: name → meaning. */
  headers?: Readonly<Record<string, string>>;
}

/** A JSON answer with another status and shape, e.g. the RFC 6749 errors of the OAuth token endpoint. */
export interface OtherResponse<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
}

export type OtherResponses = { readonly [status: number]: OtherResponse };

/** Headers an error envelope may carry; `retry-after` goes with every RATE_LIMIT_EXCEEDED. */
export type ErrorHeader = 'retry-after' | 'x-accepted-scopes';

/** When the route answers an error, and the headers that answer carries, if any. */
export type DeclaredError = string | { when: string; headers: readonly ErrorHeader[] };

/**
 * Error envelopes this route answers beyond those its auth, method and inputs imply (see
 * `errorsOf` in route-errors.ts): error id → when.
 */
export type DeclaredErrors = { readonly [id in ErrorId]?: DeclaredError };

type AnswerOf<O> = { [K in keyof O]: K extends number ? (O[K] extends OtherResponse<infer S> ? Answer<K, z.output<S>> : never) : never }[keyof O];

/** What a handler may return: the declared body, that body pre-serialized, or a declared other answer. */
export type Reply<S extends z.ZodType, O> = z.output<S> | (z.output<S> extends string ? never : PreSerialized<z.output<S>>) | AnswerOf<O>;

export type Handler<P, Q, B, S extends z.ZodType, O> = (input: RouteInput<P, Q, B>) => Reply<S, O> | Promise<Reply<S, O>>;

export interface RouteDefinition<
  P = unknown,
  Q = unknown,
  B = unknown,
  S extends z.ZodType = z.ZodType,
  O extends OtherResponses = OtherResponses,
  H extends Handler<P, Q, B, S, O> = Handler<P, Q, B, S, O>,
> {
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
  response: ResponseDeclaration<S>;
  otherResponses?: O;
  errors?: DeclaredErrors;
  handler: H;
}

type Primitive = string | number | boolean | bigint | symbol | null | undefined;
type IsAny<T> = 0 extends 1 & T ? true : false;
type Label<K> = K extends string ? K : K extends number ? `${K}` : '(serialized value)';

/**
 * The paths of fields a value of type `T` has and the declared type `D` does not, at any
 * depth (`.data[].secret`); never when there are none. Assignability alone lets extra
 * fields through (`{a, secret}` is assignable to `{a}`) and JSON.stringify would send them.
 */
export type UndeclaredFields<T, D, Path extends string = ''> =
  IsAny<T> extends true ? never : unknown extends D ? never : T extends Primitive ? never : UndeclaredInBest<T, Matches<T, D>, Path>;
/** The members of a declared union that `T` fits (all of `D` when it fits none alone). */
type Matches<T, D> = [D extends unknown ? ([T] extends [D] ? D : never) : never] extends [infer M] ? ([M] extends [never] ? D : M) : never;
/** Fits some member exactly: nothing undeclared; else what each member lacks. */
type UndeclaredInBest<T, M, Path extends string> = true extends (
  M extends unknown
    ? [UndeclaredIn<T, M, Path>] extends [never]
      ? true
      : false
    : never
)
  ? never
  : UndeclaredIn<T, M, Path>;
type UndeclaredIn<T, D, Path extends string> = unknown extends D
  ? never
  : T extends readonly (infer E)[]
    ? D extends readonly (infer DE)[]
      ? UndeclaredFields<E, DE, `${Path}[]`>
      : never
    : { [K in keyof T]-?: K extends keyof D ? UndeclaredFields<T[K], D[K], `${Path}.${Label<K>}`> : `${Path}.${Label<K>}` }[keyof T];

type Returned<H> = H extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Refuses a handler whose return type has fields the declaration does not. */
type DeclaredFieldsOnly<H, S extends z.ZodType, O> = [UndeclaredFields<Returned<H>, Reply<S, O>>] extends [never]
  ? unknown
  : { handler: { 'returns fields the response schema does not declare': UndeclaredFields<Returned<H>, Reply<S, O>> } };

/** A declared route, as the registry keeps it: its types were checked at `defineRoute`. */
export type AnyRoute = RouteDefinition<
  unknown,
  unknown,
  unknown,
  z.ZodType,
  OtherResponses,
  (input: RouteInput<unknown, unknown, unknown>) => Promise<unknown>
>;

export function defineRoute<
  P = undefined,
  Q = undefined,
  B = undefined,
  S extends z.ZodType = z.ZodType,
  O extends OtherResponses = Record<never, never>,
  H extends Handler<P, Q, B, S, O> = Handler<P, Q, B, S, O>,
>(definition: RouteDefinition<P, Q, B, S, O, H> & DeclaredFieldsOnly<H, S, O>): AnyRoute {
  return definition as unknown as AnyRoute;
}
