/**
 * Applies a leak report: each credential is revoked at once through the lifecycle (its own
 * `key.revoked` / `token.revoked` record and cache invalidation), then `credential.leak_reported`
 * goes to the owner's audit log with the source, the first-seen time and the revocation time,
 * and a notification to the owner.
 *
 * Invariants: holding a credential is proof enough, so no authentication is asked; the secret
 * is used only to find the credential by its hash and never stored, logged or answered (masks
 * only), and whatever the reporter wrote beside it (URL, path) is stored with any credential
 * in it masked.
 */
import { hashCredential, maskCredential, parseCredential, redactCredentials } from '@skytells/credentials';
import { type AuditActor, recordAuditWithNotification } from '../audit/record.js';
import { isoTime } from '../http/values.js';
import { apiKeys, tokens } from '../lifecycle/kinds.js';
import { revokeCredential } from '../lifecycle/revoke.js';
import { exposureWindow, usageLink } from './decisions.js';
import { credentialsByHash } from './repository.js';

export interface ReportedCredential {
  credential: string;
  source: string;
  commit?: string | undefined;
  path?: string | undefined;
  url?: string | undefined;
  firstSeen?: number | undefined;
}

export interface ReportOutcome {
  masked: string;
  hash: string;
  kind: 'api_key' | 'personal_access_token' | null;
  id: string | null;
  status: 'revoked' | 'already_revoked' | 'unknown' | 'invalid';
  exposure: { from: string; to: string } | null;
  usage_url: string | null;
}

type Ctx = Parameters<typeof revokeCredential>[0];

export async function applyReports(ctx: Ctx, reports: readonly ReportedCredential[], actor: AuditActor): Promise<ReportOutcome[]> {
  const hashes = reports.map((report) => hashCredential(report.credential));
  const stored = new Map((await credentialsByHash(ctx.store.db, hashes)).map((row) => [row.hash, row]));
  const outcomes: ReportOutcome[] = [];
  for (const [index, report] of reports.entries()) {
    const hash = hashes[index] as string;
    const masked = maskCredential(report.credential);
    const row = stored.get(hash);
    if (!parseCredential(report.credential) || row === undefined) {
      outcomes.push({
        masked,
        hash,
        kind: null,
        id: null,
        status: parseCredential(report.credential) ? 'unknown' : 'invalid',
        exposure: null,
        usage_url: null,
      });
      continue;
    }
    const now = ctx.clock.now();
    const wasRevoked = row.revokedAt !== null && row.revokedAt <= now;
    const command = { accountId: row.accountId, id: row.id, actor };
    const revokedAt = Date.parse(
      row.kind === 'api_key'
        ? ((await revokeCredential(ctx, apiKeys, command)).revoked_at ?? '')
        : ((await revokeCredential(ctx, tokens, command)).revoked_at ?? ''),
    );
    const window = exposureWindow(row, report.firstSeen, Number.isNaN(revokedAt) ? now : revokedAt);
    const link = usageLink(row.id, window);
    // Recorded once, by the report that revoked it: repeats of a dead credential (anyone may
    // hold one) must not grow the owner's audit log and notifications without bound.
    if (!wasRevoked)
      await recordAuditWithNotification(ctx.store.db, {
        accountId: row.accountId,
        type: 'credential.leak_reported',
        actor,
        target: { type: row.kind, id: row.id },
        metadata: {
          source: redactCredentials(report.source),
          masked,
          url: report.url === undefined ? null : redactCredentials(report.url),
          commit: report.commit ?? null,
          path: report.path === undefined ? null : redactCredentials(report.path),
          first_seen: report.firstSeen === undefined ? null : isoTime(report.firstSeen),
          revoked_at: isoTime(window.to),
          exposure_from: isoTime(window.from),
          exposure_to: isoTime(window.to),
          usage_url: link,
        },
        at: now,
      });
    outcomes.push({
      masked,
      hash,
      kind: row.kind,
      id: row.id,
      status: wasRevoked ? 'already_revoked' : 'revoked',
      exposure: { from: isoTime(window.from), to: isoTime(window.to) },
      usage_url: link,
    });
  }
  return outcomes;
}
