/**
 * The CLI's one way to the server: the `skytells` SDK. Its management client, given the
 * server's origin, and its device login. The only thing added here is a look at each
 * answer's `x-token-expires-at`, so the CLI can warn of an expiring token whatever its source.
 */
import {
  createManagementClient,
  type DeviceAuthorization,
  type DeviceToken,
  type ManagementClient,
  pollDeviceToken,
  startDeviceLogin,
} from 'skytells';

export type { DeviceAuthorization, DeviceToken, ManagementClient };
export { pollDeviceToken, startDeviceLogin };

export function managementClient(token: string, apiUrl: string, onExpiry?: (expiresAt: string) => void): ManagementClient {
  if (onExpiry === undefined) return createManagementClient(token, { baseUrl: apiUrl });
  const watching: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const expiresAt = response.headers.get('x-token-expires-at');
    if (expiresAt !== null) onExpiry(expiresAt);
    return response;
  };
  return createManagementClient(token, { baseUrl: apiUrl, fetch: watching });
}

/** The id that names the presenting token itself (`/api/v1/tokens/self`): read and revoked without any scope. */
export const SELF = 'self';
