/** The token domain: personal access tokens, their scopes, rotation, expiry and the device grant. */
import type { AppContext } from '../context.js';
import { createTokenRoute } from './routes/create-token.js';
import { deviceGrantRoutes } from './routes/device-grant.js';
import { devicePageRoute } from './routes/device-page.js';
import { readTokenRoutes } from './routes/read-tokens.js';
import { revokeTokenRoute } from './routes/revoke-token.js';
import { rotateTokenRoutes } from './routes/rotate-token.js';
import { selfTokenRoutes } from './routes/self-token.js';

export { tokenLookup } from './repository.js';

export const tokenRoutes = (ctx: AppContext) => [
  createTokenRoute(ctx),
  ...selfTokenRoutes(ctx),
  ...readTokenRoutes(ctx),
  revokeTokenRoute(ctx),
  ...rotateTokenRoutes(ctx),
  ...deviceGrantRoutes(ctx),
  devicePageRoute(),
];
