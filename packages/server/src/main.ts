/**
 * Process entry point: configuration from the environment, start, and graceful shutdown on
 * SIGTERM/SIGINT. Start-up failures print one line and exit non-zero.
 */
import pino from 'pino';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { type RunningServer, startServer } from './server.js';
import { describeDatabaseTarget } from './store/database-url.js';

function fail(message: string): never {
  process.stderr.write(`skytells-server: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = pino({ level: config.logLevel }, pino.destination({ sync: false }));
  let server: RunningServer;
  try {
    server = await startServer(config, { logger });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    fail(`cannot start on ${describeDatabaseTarget(config.database)} at ${config.host}:${config.port}: ${reason}`);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: draining requests and flushing batches');
    server
      .close()
      .then(() => {
        logger.info('shutdown complete');
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
