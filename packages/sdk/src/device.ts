/**
 * Device login (OAuth 2.0 device authorization grant, RFC 8628): how a CLI or another
 * device without a browser gets a personal access token. Start it, show the user the code and
 * URL, then poll until the user approves or denies it in the console.
 *
 * The poll waits the server's `interval` before each try, adds 5 seconds whenever the server
 * answers `slow_down` (RFC 8628 §3.5), and gives up when the device code expires.
 */
import { SkytellsError } from './errors.js';
import { type ClientOptions, Transport } from './http.js';
import { MANAGEMENT_BASE_URL } from './management.js';
import type { DeviceAuthorization, DeviceToken } from './types.js';

export type { DeviceAuthorization, DeviceToken };

export interface DeviceLoginOptions extends ClientOptions {
  /** Scopes the token should hold (the server applies its default set when none are given). */
  scopes?: string[];
  /** Shown to the user on the approval page, e.g. "Skytells CLI on laptop". */
  clientName?: string;
}

export interface PollOptions extends ClientOptions {
  signal?: AbortSignal;
  /** Told each time the server asks to slow down, with the new interval in seconds. */
  onSlowDown?: (intervalSeconds: number) => void;
}

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const SLOW_DOWN_STEP_SECONDS = 5;

const transport = (options: ClientOptions) => new Transport(options.baseUrl ?? MANAGEMENT_BASE_URL, options, () => ({}));

/** Starts a device login: answers the codes, the URL to open, its lifetime and the poll interval. */
export function startDeviceLogin(options: DeviceLoginOptions = {}): Promise<DeviceAuthorization> {
  const body: Record<string, unknown> = {};
  if (options.scopes) body.scopes = options.scopes;
  if (options.clientName) body.client_name = options.clientName;
  return transport(options).request({ method: 'POST', path: '/api/oauth/device', body });
}

function wait(seconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SkytellsError('The device login was aborted', 'REQUEST_ABORTED', 'The caller aborted it', 0));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SkytellsError('The device login was aborted', 'REQUEST_ABORTED', 'The caller aborted it', 0));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls until the user decides. Answers the token on approval; throws a SkytellsError whose
 * `errorId` is the OAuth error (`access_denied`, `expired_token`, `invalid_grant`) otherwise.
 */
export async function pollDeviceToken(authorization: DeviceAuthorization, options: PollOptions = {}): Promise<DeviceToken> {
  const http = transport(options);
  const deadline = Date.now() + authorization.expires_in * 1000;
  let interval = authorization.interval;
  for (;;) {
    if (Date.now() + interval * 1000 > deadline) {
      throw new SkytellsError('The device code expired before it was approved', 'expired_token', 'Start the login again', 400);
    }
    await wait(interval, options.signal);
    try {
      return await http.request<DeviceToken>({
        method: 'POST',
        path: '/api/oauth/token',
        body: { grant_type: GRANT_TYPE, device_code: authorization.device_code },
        options: { ...(options.signal ? { signal: options.signal } : {}) },
      });
    } catch (error) {
      if (!(error instanceof SkytellsError)) throw error;
      if (error.errorId === 'authorization_pending') continue;
      if (error.errorId === 'slow_down') {
        interval += SLOW_DOWN_STEP_SECONDS;
        options.onSlowDown?.(interval);
        continue;
      }
      throw error;
    }
  }
}

/**
 * The whole device login: starts it, hands the codes to `show` (print them, open a browser),
 * then polls until the user decides.
 */
export async function deviceLogin(
  show: (authorization: DeviceAuthorization) => void | Promise<void>,
  options: DeviceLoginOptions & PollOptions = {},
): Promise<DeviceToken> {
  const authorization = await startDeviceLogin(options);
  await show(authorization);
  return pollDeviceToken(authorization, options);
}
