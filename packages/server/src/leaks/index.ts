/** The leak response: credential status by hash, and leak reports that revoke at once. */
import type { AppContext } from '../context.js';
import { credentialStatusRoute } from './routes/credential-status.js';
import { reportLeaksRoute } from './routes/report-leaks.js';

export const leakRoutes = (ctx: AppContext) => [credentialStatusRoute(ctx), reportLeaksRoute(ctx)];
