/** Verification for operators' own services: POST /api/v1/credentials/verify and the revocation feed. */
import type { AppContext } from '../context.js';
import { revocationFeedRoute } from './routes/revocation-feed.js';
import { verifyCredentialRoute } from './routes/verify-credential.js';

export const verificationRoutes = (ctx: AppContext) => [verifyCredentialRoute(ctx), revocationFeedRoute(ctx)];
