/** The API-key domain: management routes under /api/v1/keys, and the verify lookup. */
import type { AppContext } from '../context.js';
import { createKeyRoute } from './routes/create-key.js';
import { getKeyRoute } from './routes/get-key.js';
import { listKeysRoute } from './routes/list-keys.js';
import { revokeKeyRoute } from './routes/revoke-key.js';
import { rotateKeyRoute } from './routes/rotate-key.js';

export { apiKeyBatchLookup, apiKeyLookup } from './repository.js';

export const keyRoutes = (ctx: AppContext) => [createKeyRoute(ctx), listKeysRoute(ctx), getKeyRoute(ctx), revokeKeyRoute(ctx), rotateKeyRoute(ctx)];
