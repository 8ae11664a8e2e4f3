/**
 * The server calls behind `--verify` and `--report`.
 *
 * Invariant: `checkStatus` sends only SHA-256 hashes, never a secret. `reportLeaks` sends the
 * secret itself (holding it is the proof the server needs to revoke it), and only to the
 * configured server, over the one request that revokes it.
 */
import type { Finding, Status } from './findings.js';

/** The server's bound on one status request. */
export const STATUS_BATCH = 100;
export const REPORT_BATCH = 50;
const MAX_ATTEMPTS = 5;

export interface RemoteOptions {
  apiUrl: string;
  /** Waits between rate-limited attempts (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** POSTs JSON, waiting out 429s as `Retry-After` says (bounded). */
async function post(options: RemoteOptions, path: string, body: unknown): Promise<unknown> {
  const url = new URL(path, options.apiUrl);
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status === 429 && attempt < MAX_ATTEMPTS) {
      const seconds = Math.min(Number(response.headers.get('retry-after')) || 1, 60);
      await response.body?.cancel();
      await (options.sleep ?? pause)(seconds * 1000);
      continue;
    }
    const text = await response.text();
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {}
      throw new Error(`${url.pathname}: ${message}`);
    }
    return JSON.parse(text) as unknown;
  }
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** Sets `status` on every finding, asking by hash in batches. */
export async function checkStatus(findings: Finding[], options: RemoteOptions): Promise<void> {
  const byHash = new Map(findings.map((finding) => [finding.hash, finding]));
  for (const batch of batches([...byHash.keys()], STATUS_BATCH)) {
    const answer = (await post(options, '/api/v1/credentials/status', { hashes: batch })) as { results: { hash: string; status: Status }[] };
    for (const result of answer.results) {
      const finding = byHash.get(result.hash);
      if (finding) finding.status = result.status;
    }
  }
}

export interface ReportedLeak {
  masked: string;
  status: string;
  exposure?: { from: string; to: string };
  usage_url?: string;
}

/** Reports findings (the caller picks the live ones) with where and since when each was exposed. */
export async function reportLeaks(findings: readonly Finding[], options: RemoteOptions & { repositoryUrl?: string }): Promise<ReportedLeak[]> {
  const reported: ReportedLeak[] = [];
  for (const batch of batches(findings, REPORT_BATCH)) {
    const leaks = batch.map((finding) => {
      const first = finding.locations.find((l) => l.commit === finding.firstCommit) ?? finding.locations[0];
      return {
        credential: finding.value,
        ...(finding.firstCommit ? { commit: finding.firstCommit } : {}),
        ...(first?.path ? { path: first.path } : {}),
        ...(options.repositoryUrl ? { url: options.repositoryUrl } : {}),
        ...(finding.firstSeen ? { first_seen: finding.firstSeen } : {}),
      };
    });
    const answer = (await post(options, '/api/v1/leaks', { source: 'skytells-scan', leaks })) as { results: ReportedLeak[] };
    reported.push(...answer.results);
  }
  return reported;
}
