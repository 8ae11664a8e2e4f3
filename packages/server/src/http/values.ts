/** Value formats shared by every response (INTERFACE §4). */
import { z } from 'zod';

/** Timestamps leave the server as ISO 8601 UTC strings. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export const isoTimeSchema = z.iso.datetime();

/** A display name: trimmed, 1–64 characters, no control characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const idParamsSchema = z.object({ id: z.string().min(1).max(64) });
