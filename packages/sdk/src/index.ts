/**
 * `skytells`: a drop-in superset of the official Skytells SDK. Everything the official package
 * exports is exported here under the same name; the rest is ours (management client, device
 * login, generated API types). No runtime dependencies: only the platform's `fetch`.
 */
import { API_BASE_URL, SkytellsClient } from './client.js';
import { deviceLogin, pollDeviceToken, startDeviceLogin } from './device.js';
import { SkytellsError } from './errors.js';
import type { ClientOptions } from './http.js';
import { createManagementClient, MANAGEMENT_BASE_URL, ManagementClient } from './management.js';

/** An inference client for `apiKey` (an API key, or a personal access token with `inference`). */
export function createClient(apiKey?: string, options: ClientOptions = {}): SkytellsClient {
  return new SkytellsClient(apiKey, options);
}

export {
  API_BASE_URL,
  type Model,
  type PredictionEvent,
  type PredictionRequest,
  type PredictionResponse,
  PredictionStatus,
  SkytellsClient,
  type WaitOptions,
} from './client.js';
export { type DeviceLoginOptions, deviceLogin, type PollOptions, pollDeviceToken, startDeviceLogin } from './device.js';
export { SkytellsError, type SkytellsErrorExtras } from './errors.js';
export type { paths } from './generated/openapi.js';
export type { ClientOptions, RequestOptions, RetryOptions } from './http.js';
export { createManagementClient, MANAGEMENT_BASE_URL, ManagementClient } from './management.js';
export * from './types.js';

/** The official SDK's shape of an error body. */
export interface ApiError {
  status: boolean;
  response: string;
  error: { http_status: number; message: string; details: string; error_id: string; accepted_scopes?: string[] };
}

/** `import Skytells from 'skytells'`: every entry point on one object. */
const Skytells = {
  createClient,
  createManagementClient,
  startDeviceLogin,
  pollDeviceToken,
  deviceLogin,
  SkytellsClient,
  ManagementClient,
  SkytellsError,
  API_BASE_URL,
  MANAGEMENT_BASE_URL,
};
export default Skytells;
