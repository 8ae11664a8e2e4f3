/** Schemas of the leak-response API: credential status by hash, and leak reports (ours and GitHub's). */
import { z } from 'zod';
import { isoTimeSchema, safeString } from '../http/values.js';

/** At most this many hashes in one status request, and credentials in one report. */
export const MAX_STATUS_HASHES = 100;
export const MAX_REPORTED = 100;
/** The body limit of a leak report: MAX_REPORTED entries with their URLs fit. */
export const REPORT_BODY_LIMIT = 256 * 1024;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const statusBodySchema = z.object({
  hashes: z.array(sha256Hex).min(1).max(MAX_STATUS_HASHES),
});

export const statusResponseSchema = z.object({
  results: z.array(z.object({ hash: z.string(), status: z.enum(['live', 'revoked', 'unknown']) })),
});

const leakSchema = z.object({
  credential: z.string().max(100),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'a hex commit id')
    .optional(),
  path: safeString().max(1024).optional(),
  url: safeString().max(2048).optional(),
  first_seen: z.iso.datetime({ offset: true }).optional(),
});

/** A scanner's report (`skytells scan --report`). */
export const scannerReportSchema = z.object({
  source: safeString().min(1).max(100).optional(),
  leaks: z.array(leakSchema).min(1).max(MAX_REPORTED),
});

/** GitHub's secret-scanning partner format; valid only with its signature headers. */
export const githubReportSchema = z
  .array(
    z.object({
      token: z.string().max(200),
      type: safeString().max(100),
      url: safeString().max(2048),
      source: safeString().max(100),
    }),
  )
  .min(1)
  .max(MAX_REPORTED);

export const reportBodySchema = z.union([scannerReportSchema, githubReportSchema]);

export const scannerReportResponseSchema = z.object({
  results: z.array(
    z.object({
      masked: z.string(),
      kind: z.enum(['api_key', 'personal_access_token']).nullable(),
      id: z.string().nullable(),
      /** revoked: by this report; already_revoked: before it; unknown: not ours; invalid: not a credential. */
      status: z.enum(['revoked', 'already_revoked', 'unknown', 'invalid']),
      exposure: z.object({ from: isoTimeSchema, to: isoTimeSchema }).nullable(),
      usage_url: z.string().nullable(),
    }),
  ),
});

/** GitHub's expected answer: one label per token, by hash (the token is never echoed). */
export const githubReportResponseSchema = z.array(
  z.object({ token_hash: z.string(), token_type: z.string(), label: z.enum(['true_positive', 'false_positive']) }),
);

export const reportResponseSchema = z.union([scannerReportResponseSchema, githubReportResponseSchema]);
