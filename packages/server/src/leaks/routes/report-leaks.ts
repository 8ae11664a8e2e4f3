/**
 * POST /api/v1/leaks: leaked credentials, each revoked at once (see report.ts). Two formats:
 * - a scanner's `{source, leaks: [{credential, commit, path, url, first_seen}]}`, which needs no
 *   authentication: holding a credential is proof enough to have it revoked;
 * - GitHub's secret-scanning partner array `[{token, type, url, source}]`, accepted only with a
 *   valid ECDSA P-256 signature over the raw body by a configured GitHub key. Any request that
 *   carries GitHub's headers is held to them, whatever its shape.
 */
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, verifyGithubSignature } from '../github-signature.js';
import { applyReports } from '../report.js';
import { REPORT_BODY_LIMIT, reportBodySchema, reportResponseSchema } from '../schema.js';

const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

export const reportLeaksRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/leaks',
    summary: 'Report leaked credentials (each is revoked at once)',
    tag: 'Leak response',
    auth: 'none',
    bodyLimit: Math.min(REPORT_BODY_LIMIT, ctx.config.bodyLimitBytes),
    body: reportBodySchema,
    response: {
      status: 200,
      schema: reportResponseSchema,
      description:
        'A scanner report: one result per credential with its exposure window and the usage link. A GitHub report: GitHub labels by token hash',
    },
    errors: {
      UNAUTHORIZED: 'A GitHub-format report without a valid signature by a configured GitHub key (unknown key id, tampered body)',
      RATE_LIMIT_EXCEEDED: 'Too many reports from this IP address (IPv6: its /64) within the window',
    },
    async handler({ body, request }) {
      const now = ctx.clock.now();
      await reserveOrRefuse(ctx.store.db, [counterFor(ctx.config, 'leak_report_ip', request.ip)], now, 'Too many leak reports from this address');
      const keyId = header(request.headers[GITHUB_KEY_ID_HEADER]);
      const signature = header(request.headers[GITHUB_SIGNATURE_HEADER]);
      const fromGithub = Array.isArray(body) || keyId !== undefined || signature !== undefined;
      if (fromGithub && !verifyGithubSignature(request.rawBody ?? '', keyId, signature, ctx.config.githubSecretScanningKeys)) {
        throw new ApiError('UNAUTHORIZED', 'Invalid signature', { details: 'GitHub reports must be signed by a configured GitHub key' });
      }
      const actor = { type: 'system' as const, id: null, ip: request.ip, userAgent: header(request.headers['user-agent'])?.slice(0, 512) ?? null };
      if (Array.isArray(body)) {
        const outcomes = await applyReports(
          ctx,
          body.map((entry) => ({ credential: entry.token, source: `github:${entry.source}`, url: entry.url })),
          actor,
        );
        return outcomes.map((outcome, index) => ({
          token_hash: outcome.hash,
          token_type: body[index]?.type ?? '',
          label: outcome.kind === null ? ('false_positive' as const) : ('true_positive' as const),
        }));
      }
      const outcomes = await applyReports(
        ctx,
        body.leaks.map((leak) => ({
          credential: leak.credential,
          source: body.source ?? 'report',
          commit: leak.commit,
          path: leak.path,
          url: leak.url,
          firstSeen: leak.first_seen === undefined ? undefined : Date.parse(leak.first_seen),
        })),
        actor,
      );
      return { results: outcomes.map(({ hash: _hash, ...outcome }) => outcome) };
    },
  });
