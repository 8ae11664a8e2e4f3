/**
 * Server configuration from environment variables, each with a documented default
 * (see the README). An invalid value fails start-up with one line naming the variable;
 * values are never echoed, since some (DATABASE_URL) may hold a password.
 */
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { type DatabaseTarget, parseDatabaseUrl } from '../store/database-url.js';

export type TrustProxy = boolean | string[];

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  databasePoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: TrustProxy;
  /** Origin that state-changing cookie requests must come from; undefined means the request's own. */
  publicOrigin: string | undefined;
  metricsPublic: boolean;
  bodyLimitBytes: number;
  sessionTtlMs: number;
  signinMaxFailuresPerAccount: number;
  signinMaxFailuresPerIp: number;
  signinWindowMs: number;
  verifyCacheSize: number;
  verifyCacheTtlMs: number;
  batchFlushIntervalMs: number;
  listenerReconnectMs: number;
  listenerHeartbeatMs: number;
  /** The operator's model catalogue; undefined means the default sandbox models. */
  modelsFile: string | undefined;
  /** Set: predictions go to this upstream (`http` executor). Unset: the `sandbox` executor. */
  inferenceUpstreamUrl: string | undefined;
  inferenceUpstreamTimeoutMs: number;
  usageRetentionDays: number;
  /** Caps every token's lifetime; when set, tokens without expiry are refused. */
  patMaxLifetimeDays: number | undefined;
  /** Scopes beyond the default catalogue, for the operator's other services. */
  extraScopes: string[];
  /** Throttles (`throttle/`): the progressive delay's first and longest wait beyond a failure limit. */
  throttleMinDelayMs: number;
  throttleMaxDelayMs: number;
  deviceCodeMaxFailuresPerAccount: number;
  passwordChangeMaxFailuresPerAccount: number;
  signupMaxPerIp: number;
  deviceGrantsMaxPerIp: number;
  /** The window of the creation limits (sign-ups and device logins per IP). */
  rateLimitWindowMs: number;
  /** Pending (undecided, unexpired) device grants at most, over all clients. */
  deviceGrantsMaxPending: number;
  /** The body limit of the public endpoints (sign-up, sign-in, password, OAuth). */
  publicBodyLimitBytes: number;
  /** Leak response: status look-ups and leak reports per client IP per `rateLimitWindowMs`. */
  credentialStatusMaxPerIp: number;
  leakReportsMaxPerIp: number;
  /** GitHub secret-scanning public keys (PEM) by key identifier; empty: GitHub reports are refused. */
  githubSecretScanningKeys: ReadonlyMap<string, string>;
}

export class ConfigError extends Error {}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const variables = {
  PORT: integer(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default('./data/skytells.db'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('false'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  METRICS_PUBLIC: flag.default(false),
  BODY_LIMIT_BYTES: integer(1024, 100 * 1024 * 1024).default(1024 * 1024),
  SESSION_TTL_DAYS: integer(1, 365).default(30),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: integer(1, 1_000_000).default(10),
  SIGNIN_MAX_FAILURES_PER_IP: integer(1, 1_000_000).default(50),
  SIGNIN_WINDOW_SECONDS: integer(1, 86_400).default(900),
  VERIFY_CACHE_SIZE: integer(0, 10_000_000).default(100_000),
  VERIFY_CACHE_TTL_SECONDS: integer(0, 3600).default(30),
  BATCH_FLUSH_INTERVAL_MS: integer(10, 5000).default(5000),
  LISTENER_RECONNECT_MS: integer(10, 60_000).default(1000),
  LISTENER_HEARTBEAT_MS: integer(100, 60_000).default(5000),
  MODELS_FILE: z.string().min(1).optional(),
  INFERENCE_UPSTREAM_URL: z.url({ protocol: /^https?$/ }).optional(),
  INFERENCE_UPSTREAM_TIMEOUT_MS: integer(100, 600_000).default(30_000),
  USAGE_RETENTION_DAYS: integer(1, 3650).default(90),
  PAT_MAX_LIFETIME_DAYS: integer(1, 3650).optional(),
  PAT_EXTRA_SCOPES: z
    .string()
    .regex(/^\s*[a-z][a-z0-9_.:-]{0,63}(\s*,\s*[a-z][a-z0-9_.:-]{0,63})*\s*$/)
    .optional(),
  THROTTLE_MIN_DELAY_SECONDS: integer(1, 3600).default(5),
  THROTTLE_MAX_DELAY_SECONDS: integer(1, 86_400).default(300),
  DEVICE_CODE_MAX_FAILURES: integer(1, 1_000_000).default(10),
  PASSWORD_CHANGE_MAX_FAILURES: integer(1, 1_000_000).default(5),
  SIGNUP_MAX_PER_IP: integer(1, 1_000_000).default(20),
  DEVICE_GRANTS_MAX_PER_IP: integer(1, 1_000_000).default(20),
  RATE_LIMIT_WINDOW_SECONDS: integer(1, 86_400).default(3600),
  DEVICE_GRANTS_MAX_PENDING: integer(1, 10_000_000).default(10_000),
  PUBLIC_BODY_LIMIT_BYTES: integer(1024, 1024 * 1024).default(8192),
  CREDENTIAL_STATUS_MAX_PER_IP: integer(1, 1_000_000).default(600),
  LEAK_REPORTS_MAX_PER_IP: integer(1, 1_000_000).default(120),
  GITHUB_SECRET_SCANNING_KEYS: z.string().optional(),
} as const;

const expectations: Record<keyof typeof variables, string> = {
  PORT: 'an integer from 0 to 65535',
  HOST: 'a host name or address',
  DATABASE_URL: 'a SQLite file path, a sqlite: URL or a postgres:// URL',
  DATABASE_SCHEMA: 'a lower-case SQL identifier',
  DATABASE_POOL_SIZE: 'an integer from 1 to 1000',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  TRUST_PROXY: 'true, false, or a comma-separated list of the addresses or CIDR ranges of the proxies (not a hop count)',
  PUBLIC_URL: 'an http(s) URL such as https://console.example.com',
  METRICS_PUBLIC: 'true or false',
  BODY_LIMIT_BYTES: 'an integer from 1024 to 104857600',
  SESSION_TTL_DAYS: 'an integer from 1 to 365',
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: 'a positive integer',
  SIGNIN_MAX_FAILURES_PER_IP: 'a positive integer',
  SIGNIN_WINDOW_SECONDS: 'an integer from 1 to 86400',
  VERIFY_CACHE_SIZE: 'an integer from 0 to 10000000',
  VERIFY_CACHE_TTL_SECONDS: 'an integer from 0 to 3600',
  BATCH_FLUSH_INTERVAL_MS: 'an integer from 10 to 5000 (batches are flushed at least every 5 s)',
  LISTENER_RECONNECT_MS: 'an integer from 10 to 60000',
  LISTENER_HEARTBEAT_MS: 'an integer from 100 to 60000',
  MODELS_FILE: 'a path to a JSON model catalogue',
  INFERENCE_UPSTREAM_URL: 'an http(s) URL',
  INFERENCE_UPSTREAM_TIMEOUT_MS: 'an integer from 100 to 600000',
  USAGE_RETENTION_DAYS: 'an integer from 1 to 3650',
  PAT_MAX_LIFETIME_DAYS: 'an integer from 1 to 3650',
  PAT_EXTRA_SCOPES: 'a comma-separated list of scope names such as billing.read',
  THROTTLE_MIN_DELAY_SECONDS: 'an integer from 1 to 3600',
  THROTTLE_MAX_DELAY_SECONDS: 'an integer from 1 to 86400',
  DEVICE_CODE_MAX_FAILURES: 'a positive integer',
  PASSWORD_CHANGE_MAX_FAILURES: 'a positive integer',
  SIGNUP_MAX_PER_IP: 'a positive integer',
  DEVICE_GRANTS_MAX_PER_IP: 'a positive integer',
  RATE_LIMIT_WINDOW_SECONDS: 'an integer from 1 to 86400',
  DEVICE_GRANTS_MAX_PENDING: 'an integer from 1 to 10000000',
  PUBLIC_BODY_LIMIT_BYTES: 'an integer from 1024 to 1048576',
  CREDENTIAL_STATUS_MAX_PER_IP: 'a positive integer',
  LEAK_REPORTS_MAX_PER_IP: 'a positive integer',
  GITHUB_SECRET_SCANNING_KEYS: 'the JSON GitHub publishes ({"public_keys": [{"key_identifier", "key"}]}) with ECDSA P-256 public keys in PEM',
};

const githubKeysSchema = z.object({
  public_keys: z.array(z.object({ key_identifier: z.string().min(1).max(200), key: z.string().min(1).max(4096) })).max(100),
});

/** GitHub's published key document → PEM by key identifier; each key must be an ECDSA P-256 public key. */
function parseGithubKeys(text: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  if (text === undefined) return keys;
  for (const entry of githubKeysSchema.parse(JSON.parse(text)).public_keys) {
    const key = createPublicKey(entry.key);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
    keys.set(entry.key_identifier, entry.key);
  }
  return keys;
}

function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  // A hop count ("1", "2") is no address, so it is refused here, on purpose. Trusting "the N
  // nearest hops" cannot tell a proxy from a client that reaches this port directly: such a
  // client writes its own X-Forwarded-For and X-Forwarded-Proto and becomes any IP (escaping
  // per-IP throttles, forging audit and usage records) arriving over "https". Fastify 5 fails
  // closed on a number for this reason by trusting nothing, which would silently give every
  // client the proxy's IP (one shared sign-in throttle). So neither: start-up stops and asks
  // for the proxies' addresses, which proxy-addr checks hop by hop back from the socket.
  const entries = v.split(',').map((s) => s.trim());
  if (entries.every(isProxyAddress)) return entries;
  throw new Error('invalid');
}

/** An IP address, an address/prefix range, or one of proxy-addr's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = <K extends keyof typeof variables>(name: K): z.output<(typeof variables)[K]> => {
    const raw = env[name] === '' ? undefined : env[name];
    const result = variables[name].safeParse(raw);
    if (!result.success) throw new ConfigError(`Invalid configuration: ${name} must be ${expectations[name]}`);
    return result.data as z.output<(typeof variables)[K]>;
  };
  const guard = <T>(name: keyof typeof variables, parse: () => T): T => {
    try {
      return parse();
    } catch {
      throw new ConfigError(`Invalid configuration: ${name} must be ${expectations[name]}`);
    }
  };

  const publicUrl = read('PUBLIC_URL');
  return {
    port: read('PORT'),
    host: read('HOST'),
    database: guard('DATABASE_URL', () => parseDatabaseUrl(read('DATABASE_URL'), read('DATABASE_SCHEMA'))),
    databasePoolSize: read('DATABASE_POOL_SIZE'),
    logLevel: read('LOG_LEVEL'),
    trustProxy: guard('TRUST_PROXY', () => parseTrustProxy(read('TRUST_PROXY'))),
    publicOrigin: publicUrl ? new URL(publicUrl).origin : undefined,
    metricsPublic: read('METRICS_PUBLIC'),
    bodyLimitBytes: read('BODY_LIMIT_BYTES'),
    sessionTtlMs: read('SESSION_TTL_DAYS') * 86_400_000,
    signinMaxFailuresPerAccount: read('SIGNIN_MAX_FAILURES_PER_ACCOUNT'),
    signinMaxFailuresPerIp: read('SIGNIN_MAX_FAILURES_PER_IP'),
    signinWindowMs: read('SIGNIN_WINDOW_SECONDS') * 1000,
    verifyCacheSize: read('VERIFY_CACHE_SIZE'),
    verifyCacheTtlMs: read('VERIFY_CACHE_TTL_SECONDS') * 1000,
    batchFlushIntervalMs: read('BATCH_FLUSH_INTERVAL_MS'),
    listenerReconnectMs: read('LISTENER_RECONNECT_MS'),
    listenerHeartbeatMs: read('LISTENER_HEARTBEAT_MS'),
    modelsFile: read('MODELS_FILE'),
    inferenceUpstreamUrl: read('INFERENCE_UPSTREAM_URL'),
    inferenceUpstreamTimeoutMs: read('INFERENCE_UPSTREAM_TIMEOUT_MS'),
    usageRetentionDays: read('USAGE_RETENTION_DAYS'),
    patMaxLifetimeDays: read('PAT_MAX_LIFETIME_DAYS'),
    extraScopes: (read('PAT_EXTRA_SCOPES') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    throttleMinDelayMs: read('THROTTLE_MIN_DELAY_SECONDS') * 1000,
    throttleMaxDelayMs: read('THROTTLE_MAX_DELAY_SECONDS') * 1000,
    deviceCodeMaxFailuresPerAccount: read('DEVICE_CODE_MAX_FAILURES'),
    passwordChangeMaxFailuresPerAccount: read('PASSWORD_CHANGE_MAX_FAILURES'),
    signupMaxPerIp: read('SIGNUP_MAX_PER_IP'),
    deviceGrantsMaxPerIp: read('DEVICE_GRANTS_MAX_PER_IP'),
    rateLimitWindowMs: read('RATE_LIMIT_WINDOW_SECONDS') * 1000,
    deviceGrantsMaxPending: read('DEVICE_GRANTS_MAX_PENDING'),
    publicBodyLimitBytes: Math.min(read('PUBLIC_BODY_LIMIT_BYTES'), read('BODY_LIMIT_BYTES')),
    credentialStatusMaxPerIp: read('CREDENTIAL_STATUS_MAX_PER_IP'),
    leakReportsMaxPerIp: read('LEAK_REPORTS_MAX_PER_IP'),
    githubSecretScanningKeys: guard('GITHUB_SECRET_SCANNING_KEYS', () => parseGithubKeys(read('GITHUB_SECRET_SCANNING_KEYS'))),
  };
}
