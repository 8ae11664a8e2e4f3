/** Everything a route or hook needs, built once at start-up (see `server.ts`). */
import type { Logger } from 'pino';
import type { PasswordHasher } from './accounts/password.js';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import type { FinishRequest } from './http/finish-request.js';
import type { Metrics } from './http/metrics.js';
import type { Catalogue } from './inference/catalogue.js';
import type { Executor } from './inference/executors/executor.js';
import type { Store } from './store/store.js';
import type { LastUsedBatch } from './usage/last-used-batch.js';
import type { UsageBatch } from './usage/usage-batch.js';
import type { InvalidationBus } from './verify/invalidation-bus.js';
import type { RevocationFeed } from './verify/revocation-feed.js';
import type { CredentialVerifier } from './verify/verifier.js';

export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  verifier: CredentialVerifier;
  invalidations: InvalidationBus;
  /** Tells operators' middleware (GET /api/v1/credentials/revocations) which credentials changed. */
  revocations: RevocationFeed;
  lastUsed: LastUsedBatch;
  usage: UsageBatch;
  /** The end of a request: usage, metrics and the access log. A route that hijacks its reply calls it when its stream ends. */
  finishRequest: FinishRequest;
  catalogue: Catalogue;
  executor: Executor;
  passwords: PasswordHasher;
  /** Every scope a token may hold: the default catalogue and the operator's extras. */
  scopes: ReadonlySet<string>;
}
