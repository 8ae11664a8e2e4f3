/**
 * `skytells/server`: verification of presented keys and tokens for an operator's own
 * services: a one-shot helper, a caching verifier that follows revocations, and Fastify,
 * Express and Hono middleware. No framework is a dependency.
 */
export {
  type MiddlewareOptions,
  presentedCredential,
  type Refusal,
  refusalOf,
  skytellsExpress,
  skytellsFastify,
  skytellsHono,
} from './middleware.js';
export {
  type CheckResult,
  CredentialVerifier,
  type CredentialVerifierOptions,
  createCredentialVerifier,
  type ValidCredential,
  type Verification,
  type VerifyOptions,
  verifyCredential,
} from './verify.js';
