/**
 * Rotation with a grace period, shared by API keys and tokens: the old credential gets a
 * revocation time in the future (now + grace) and a pointer to its successor, in the same
 * transaction that creates the successor, and the old credential's hash is invalidated.
 * Every instance then re-reads it and caches its end of life, so the grace period ends at
 * the same moment everywhere without any further message.
 */
export const graceEnd = (now: number, gracePeriodSeconds: number): number => now + gracePeriodSeconds * 1000;

/** A credential that already has a successor cannot be rotated again. */
export const alreadyRotated = (row: { replaced_by: string | null }): boolean => row.replaced_by !== null;
