/**
 * Composition root: opens the store, migrates it, wires the verify path and the batches,
 * builds the app, and starts the one schedule of background jobs. `close()` is the graceful
 * shutdown: stop accepting and drain in-flight requests, stop the schedule, flush every
 * batch, then close the store (and its writer thread).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createPasswordHasher } from './accounts/password.js';
import { SecurityEventBatch } from './audit/security-event-batch.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { buildApp } from './http/app.js';
import { requestFinisher } from './http/finish-request.js';
import { createMetrics } from './http/metrics.js';
import { HttpExecutor } from './inference/executors/http.js';
import { SandboxExecutor } from './inference/executors/sandbox.js';
import { loadCatalogue } from './inference/index.js';
import { flushJob } from './jobs/flush.js';
import { Schedule } from './jobs/schedule.js';
import { apiKeyBatchLookup, apiKeyLookup } from './keys/index.js';
import { openStore, type Store } from './store/store.js';
import { sweepExpired } from './store/sweep.js';
import { recordExpiryNotices } from './tokens/expiry-notices.js';
import { tokenLookup } from './tokens/index.js';
import { scopeCatalogue } from './tokens/scopes.js';
import { LastUsedBatch } from './usage/last-used-batch.js';
import { DAY_MS, HOUR_MS } from './usage/repository.js';
import { UsageBatch } from './usage/usage-batch.js';
import { type InvalidationBus, LocalInvalidationBus } from './verify/invalidation-bus.js';
import { PostgresInvalidationBus } from './verify/postgres-invalidation-bus.js';
import { ownersOfHashes } from './verify/repository.js';
import { RevocationFeed } from './verify/revocation-feed.js';
import { CredentialVerifier } from './verify/verifier.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Flushes every batch now (tests and shutdown use it). */
  flushBatches(): Promise<void>;
  /** Every background job (tests run one now with `runNow`). */
  schedule: Schedule;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const store = await openStore(config.database, {
    poolSize: config.databasePoolSize,
    onConnectionError: (error) => logger.warn({ err: error }, 'an idle database connection failed; the pool replaces it'),
  });
  // What start-up has opened, closed again (last first) if a later step fails: a port in
  // use, a bad model catalogue or a lost database must not leave a pool or a listener behind.
  const opened: Array<() => Promise<void>> = [() => store.close()];
  try {
    return await startOn(store, opened, config, logger, clock);
  } catch (error) {
    for (const close of opened.reverse()) {
      await close().catch((closeError: unknown) => logger.warn({ err: closeError }, 'closing after a failed start-up failed'));
    }
    throw error;
  }
}

async function startOn(store: Store, opened: Array<() => Promise<void>>, config: Config, logger: Logger, clock: Clock): Promise<RunningServer> {
  await store.migrateToLatest();
  const metrics = createMetrics();
  // The bus applies news to the verifier's cache; the verifier asks the bus whether its cache
  // can be trusted. Each calls the other only after both exist.
  const postgresBus =
    config.database.dialect === 'postgres'
      ? new PostgresInvalidationBus({
          db: store.db,
          connectionString: config.database.url,
          schema: config.database.schema,
          logger,
          apply: (hashes) => {
            verifier.invalidate(hashes);
            // Changes made on other instances reach this instance's feed subscribers here.
            void revocations.publish(hashes);
          },
          applyAll: () => {
            verifier.invalidateAll();
            revocations.resetAll();
          },
          reconnectDelayMs: config.listenerReconnectMs,
          heartbeatMs: config.listenerHeartbeatMs,
        })
      : undefined;
  const invalidations: InvalidationBus = postgresBus ?? new LocalInvalidationBus();
  const revocations = new RevocationFeed((hashes) => ownersOfHashes(store.db, hashes), logger);
  const securityEvents = new SecurityEventBatch(store.db, metrics);
  const lookups = {
    api_key: apiKeyLookup(store),
    personal_access_token: tokenLookup(store, ({ tokenId, accountId, replacedBy }) =>
      securityEvents.record({
        accountId,
        type: 'token.reuse_after_rotation',
        actor: { type: 'system', id: null, ip: null, userAgent: null },
        target: { type: 'personal_access_token', id: tokenId },
        metadata: { replaced_by: replacedBy, note: 'a token rotated out after its grace period was presented: some consumer still holds it' },
        at: clock.now(),
      }),
    ),
  };
  const verifier = new CredentialVerifier(lookups, clock, metrics, {
    cacheSize: config.verifyCacheSize,
    cacheTtlMs: config.verifyCacheTtlMs,
    isTrusted: () => invalidations.trusted,
    batchLookups: { api_key: apiKeyBatchLookup(store) },
  });
  opened.push(() => invalidations.stop());
  await invalidations.start();
  const lastUsed = new LastUsedBatch(store.writer, metrics);
  const usage = new UsageBatch(store.writer, clock, metrics, lastUsed, store.dialect);
  // Usage first: taking its groups hands the API keys' last uses to the last-used batch.
  const flushBatches = flushJob([usage, lastUsed.batch, securityEvents.batch], metrics.stalls, logger);
  const schedule = new Schedule(
    [
      { name: 'flush', everyMs: config.batchFlushIntervalMs, run: flushBatches },
      // Daily: roll minute groups up into daily aggregates, apply the retention window, and
      // forget flush-ledger entries too old for any retry.
      {
        name: 'usage_rollup',
        everyMs: DAY_MS,
        firstAfterMs: 60_000,
        run: async (now) => {
          await store.writer.apply({ op: 'rollup', now, retentionDays: config.usageRetentionDays });
          await store.writer.apply({ op: 'prune_ledger', before: now - DAY_MS });
        },
      },
      // Hourly: audit and notify tokens entering their last week and tokens that expired.
      { name: 'token_expiry_notices', everyMs: HOUR_MS, run: (now) => recordExpiryNotices(store.db, now) },
      // Hourly: expired sessions, stale device grants and old failed attempts.
      { name: 'sweep', everyMs: HOUR_MS, run: (now) => sweepExpired(store.db, now) },
      ...(postgresBus
        ? [
            { name: 'listener_heartbeat', everyMs: config.listenerHeartbeatMs, run: () => postgresBus.heartbeat() },
            { name: 'invalidation_log_prune', everyMs: HOUR_MS, run: () => postgresBus.prune() },
          ]
        : []),
    ],
    clock,
    logger,
  );
  const ctx: AppContext = {
    config,
    store,
    clock,
    logger,
    metrics,
    verifier,
    invalidations,
    revocations,
    lastUsed,
    usage,
    finishRequest: requestFinisher({ usage, metrics, logger, clock }),
    catalogue: loadCatalogue(config.modelsFile),
    executor: config.inferenceUpstreamUrl ? new HttpExecutor(config.inferenceUpstreamUrl, config.inferenceUpstreamTimeoutMs) : new SandboxExecutor(),
    passwords: await createPasswordHasher(),
    scopes: scopeCatalogue(config.extraScopes),
  };

  const app = await buildApp(ctx, {
    version: VERSION,
    readiness: {
      database: async () => {
        await store.ping();
        return true;
      },
      migrations: () => store.isAtLatestMigration(),
      invalidation_listener: async () => invalidations.trusted,
    },
  });
  opened.push(() => app.close());
  await app.listen({ port: config.port, host: config.host });
  metrics.stalls.start();
  schedule.start();
  const { port } = app.server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ url: `http://${host}:${port}`, database: store.dialect, version: VERSION }, 'server listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    ctx,
    url: `http://${host}:${port}`,
    flushBatches: () => schedule.runNow('flush'),
    schedule,
    close() {
      closing ??= (async () => {
        // Open revocation feeds would hold the drain below; their clients reconnect elsewhere.
        revocations.close();
        await app.close();
        await schedule.stop();
        // What the drained requests recorded is written before the store closes.
        await schedule.runNow('flush');
        metrics.stalls.stop();
        await invalidations.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
