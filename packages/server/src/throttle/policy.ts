/**
 * Pure throttle decisions, with no I/O. A counter is the list of attempt times under one key
 * (a purpose and a subject, e.g. sign-in failures of one email); a policy says how many
 * attempts pass freely within a sliding window, and what happens beyond that:
 * - a hard limit (`delay` unset): wait until enough attempts have left the window;
 * - a progressive delay (`delay` set): each further attempt waits after the latest one,
 *   twice as long as the one before, from `minMs` up to `maxMs`. Nobody is shut out for the
 *   whole window; a guesser gets one try per `maxMs` at best.
 */

export interface ThrottlePolicy {
  /** Attempts within the window that pass with no wait. */
  limit: number;
  windowMs: number;
  delay?: { minMs: number; maxMs: number };
}

export type ThrottleDecision = { allow: true } | { allow: false; retryAfterSeconds: number };

const ALLOW: ThrottleDecision = { allow: true };

/**
 * How many of a counter's newest attempts decide it: the limit, plus (for a progressive
 * delay) the steps until the delay reaches its maximum, beyond which more change nothing.
 */
export function attemptsToRead(policy: ThrottlePolicy): number {
  if (policy.delay === undefined) return policy.limit;
  return policy.limit + Math.max(0, Math.ceil(Math.log2(policy.delay.maxMs / policy.delay.minMs)));
}

/**
 * Whether one more attempt may be made at `now`, given the other attempts in the window,
 * newest first (at least `attemptsToRead(policy)` of them when there are that many).
 */
export function decide(policy: ThrottlePolicy, newestFirst: readonly number[], now: number): ThrottleDecision {
  const limitth = newestFirst[policy.limit - 1];
  if (limitth === undefined) return ALLOW; // fewer attempts than the limit
  const allowedAt =
    policy.delay === undefined
      ? // Hard limit: when the limit-th newest attempt leaves the window, one place is free.
        limitth + policy.windowMs
      : // Progressive: minMs after the latest attempt once at the limit, doubling with each attempt beyond it.
        Math.max(...newestFirst) + Math.min(policy.delay.maxMs, policy.delay.minMs * 2 ** (newestFirst.length - policy.limit));
  return allowedAt <= now ? ALLOW : { allow: false, retryAfterSeconds: Math.ceil((allowedAt - now) / 1000) };
}

/** Several counters decide one attempt: it passes when all allow it, else it waits for the slowest. */
export function mostRestrictive(decisions: readonly ThrottleDecision[]): ThrottleDecision {
  const waits = decisions.flatMap((d) => (d.allow ? [] : [d.retryAfterSeconds]));
  return waits.length === 0 ? ALLOW : { allow: false, retryAfterSeconds: Math.max(...waits) };
}
