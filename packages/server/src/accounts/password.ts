/**
 * Password hashing (argon2id) and policy.
 *
 * Invariant: checking a password for an unknown account costs the same argon2 work as for
 * a known one (`verifyOrWaste`), so response time does not reveal which emails exist.
 */

import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** OWASP's argon2id baseline. `algorithm: 2` is `Algorithm.Argon2id`, a const enum that isolated modules cannot import. */
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against `storedHash`, or against a decoy hash when there is none. */
  verifyOrWaste(storedHash: string | undefined, password: string): Promise<boolean>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const decoyHash = await hash(randomBytes(32).toString('hex'), ARGON2_OPTIONS);
  return {
    hash: (password) => hash(password, ARGON2_OPTIONS),
    async verifyOrWaste(storedHash, password) {
      const matches = await verify(storedHash ?? decoyHash, password).catch(() => false);
      return storedHash !== undefined && matches;
    },
  };
}

/** Why a new password of acceptable length is still refused, or null when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | null {
  if (new Set(password).size < 4) return 'must use more than three different characters';
  if (password.toLowerCase().includes(email.trim().toLowerCase())) return 'must not contain the email address';
  return null;
}
