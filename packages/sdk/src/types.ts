/**
 * Named request and response types, all derived from the generated OpenAPI types
 * (generated/openapi.ts), so they follow the server's schemas exactly and a change there
 * shows up here as a type error.
 */
import type { paths } from './generated/openapi.js';

type Method = 'get' | 'post' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of the success answer (200 or 201) of a route. */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? (R extends { 200: infer A } ? JsonOf<A> : R extends { 201: infer A } ? JsonOf<A> : never) : never;

/** The JSON request body of a route. */
export type BodyOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** The query parameters of a route. */
export type QueryOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

// Inference (/v1)
export type ModelInfo = ResponseOf<'/v1/models/{slug}', 'get'>;
export type Prediction = ResponseOf<'/v1/predictions/{id}', 'get'>;
export type PredictionPage = ResponseOf<'/v1/predictions', 'get'>;
export type PredictionCreate = BodyOf<'/v1/predictions', 'post'>;
export type PredictionListQuery = QueryOf<'/v1/predictions', 'get'>;
export type DeletedPrediction = ResponseOf<'/v1/predictions/{id}', 'delete'>;

// Management (/api/v1)
export type Account = ResponseOf<'/api/v1/account', 'get'>;
export type ApiKey = ResponseOf<'/api/v1/keys/{id}', 'get'>;
export type ApiKeyPage = ResponseOf<'/api/v1/keys', 'get'>;
export type CreatedApiKey = ResponseOf<'/api/v1/keys', 'post'>;
export type ApiKeyCreate = BodyOf<'/api/v1/keys', 'post'>;
export type ApiKeyRotate = BodyOf<'/api/v1/keys/{id}/rotate', 'post'>;
export type Token = ResponseOf<'/api/v1/tokens/{id}', 'get'>;
export type TokenPage = ResponseOf<'/api/v1/tokens', 'get'>;
export type RotatedToken = ResponseOf<'/api/v1/tokens/self/rotate', 'post'>;
export type TokenRotateSelf = BodyOf<'/api/v1/tokens/self/rotate', 'post'>;
export type UsageAggregates = ResponseOf<'/api/v1/usage', 'get'>;
export type UsageQuery = QueryOf<'/api/v1/usage', 'get'>;
export type UsageEventsPage = ResponseOf<'/api/v1/usage/events', 'get'>;
export type UsageEvent = UsageEventsPage['data'][number];
export type UsageEventsQuery = Omit<QueryOf<'/api/v1/usage/events', 'get'>, 'cursor'>;
export type AuditPage = ResponseOf<'/api/v1/audit', 'get'>;
export type AuditQuery = QueryOf<'/api/v1/audit', 'get'>;
export type PageQuery = { page?: number; per_page?: number };

// Device authorization grant (RFC 8628)
export type DeviceAuthorization = ResponseOf<'/api/oauth/device', 'post'>;
export type DeviceToken = ResponseOf<'/api/oauth/token', 'post'>;
