/**
 * Findings: detections grouped by credential. One credential found in many places (a file kept
 * across many commits, a copy in a stash) is one finding with every place it was seen, so it is
 * verified, reported and revoked once.
 *
 * Invariant: `value` (the secret) stays in memory for `--report`; every output uses `masked`
 * and `hash` only.
 */
import { type CredentialKind, hashCredential, maskCredential } from '@skytells/credentials';
import type { Detection, Encoding } from './detect.js';

export type Source = 'file' | 'blob' | 'commit-message' | 'staged';
export type Status = 'live' | 'revoked' | 'unknown';

export interface Location {
  source: Source;
  encoding: Encoding;
  path?: string;
  line?: number;
  /** Git object that holds it (blob or commit). */
  object?: string;
  /** The earliest commit that introduced the object, and its committer date (ISO 8601 UTC). */
  commit?: string;
  date?: string;
  /** Every commit that introduced the object (history mode). */
  commits?: string[];
}

export interface Finding {
  kind: CredentialKind;
  hash: string;
  masked: string;
  value: string;
  locations: Location[];
  /** Earliest date over all locations, when any is dated. */
  firstSeen?: string;
  firstCommit?: string;
  status?: Status;
}

export interface Hit {
  detection: Detection;
  location: Omit<Location, 'encoding' | 'line'>;
}

export function groupFindings(hits: readonly Hit[]): Finding[] {
  const byValue = new Map<string, Finding>();
  for (const { detection, location } of hits) {
    let finding = byValue.get(detection.value);
    if (!finding) {
      finding = {
        kind: detection.kind,
        hash: hashCredential(detection.value),
        masked: maskCredential(detection.value),
        value: detection.value,
        locations: [],
      };
      byValue.set(detection.value, finding);
    }
    finding.locations.push({ ...location, encoding: detection.encoding, line: detection.line });
    if (location.date && (!finding.firstSeen || location.date < finding.firstSeen)) {
      finding.firstSeen = location.date;
      finding.firstCommit = location.commit;
    }
  }
  for (const finding of byValue.values()) finding.locations.sort(byDateThenPlace);
  return [...byValue.values()].sort((a, b) => byDateThenPlace(a.locations[0] as Location, b.locations[0] as Location));
}

function byDateThenPlace(a: Location, b: Location): number {
  const key = (l: Location) => `${l.date ?? '~'}\u0000${l.path ?? ''}\u0000${String(l.line ?? 0).padStart(9, '0')}\u0000${l.object ?? ''}`;
  const [ka, kb] = [key(a), key(b)];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Hashes to ignore: one lowercase SHA-256 hex per line; blank lines and `#` comments allowed. */
export function parseBaseline(text: string): Set<string> {
  const hashes = new Set<string>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (!/^[0-9a-f]{64}$/i.test(line)) throw new Error(`baseline line ${index + 1}: not a SHA-256 hex hash`);
    hashes.add(line.toLowerCase());
  }
  return hashes;
}

export const withoutBaseline = (findings: readonly Finding[], baseline: ReadonlySet<string>): Finding[] =>
  findings.filter((finding) => !baseline.has(finding.hash));

/**
 * The process exit code: 2 on error; 1 when a live credential was found, or any at all with
 * `failOnAny`; else 0. A finding that was not verified counts as live: without asking the
 * server nobody knows it is dead, so a pre-commit hook without `--verify` still blocks it.
 */
export function exitCode(outcome: { error?: boolean; findings: readonly Pick<Finding, 'status'>[]; failOnAny?: boolean }): 0 | 1 | 2 {
  if (outcome.error) return 2;
  if (outcome.failOnAny && outcome.findings.length > 0) return 1;
  return outcome.findings.some((finding) => finding.status === undefined || finding.status === 'live') ? 1 : 0;
}
