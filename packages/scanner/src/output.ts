/**
 * The three output formats. Invariant: no format ever carries a secret, only its mask and its
 * SHA-256 (`Finding.value` is never read here).
 */
import type { Finding, Location } from './findings.js';

const KIND_NAMES = { api_key: 'API key', personal_access_token: 'personal access token' } as const;
const RULES = {
  api_key: { id: 'skytells/api-key', name: 'SkytellsApiKey' },
  personal_access_token: { id: 'skytells/personal-access-token', name: 'SkytellsPersonalAccessToken' },
} as const;

export function where(location: Location): string {
  if (location.source === 'commit-message') return `commit message ${location.commit?.slice(0, 12) ?? ''}`;
  const place = location.path ?? `object ${location.object?.slice(0, 12) ?? '?'}`;
  return location.line ? `${place}:${location.line}` : place;
}

export function formatTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No Skytells credentials found.\n';
  const rows = findings.map((finding) => {
    const first = finding.locations[0] as Location;
    const more = finding.locations.length > 1 ? ` (+${finding.locations.length - 1} more)` : '';
    return [
      finding.masked,
      KIND_NAMES[finding.kind],
      where(first) + more,
      (finding.firstCommit ?? first.commit ?? '').slice(0, 12),
      finding.firstSeen?.slice(0, 19).replace('T', ' ') ?? '',
      finding.status ?? 'unverified',
    ];
  });
  const header = ['CREDENTIAL', 'KIND', 'WHERE', 'COMMIT', 'FIRST SEEN (UTC)', 'STATUS'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    `${cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  const live = findings.filter((f) => f.status === 'live').length;
  const summary = `${findings.length} credential${findings.length === 1 ? '' : 's'} found${findings.some((f) => f.status) ? `, ${live} live` : ''}.\n`;
  return line(header) + rows.map(line).join('') + summary;
}

const publicFinding = (finding: Finding) => ({
  kind: finding.kind,
  masked: finding.masked,
  hash: finding.hash,
  status: finding.status ?? null,
  first_seen: finding.firstSeen ?? null,
  first_commit: finding.firstCommit ?? null,
  locations: finding.locations,
});

export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify({ findings: findings.map(publicFinding) }, null, 2)}\n`;
}

/** SARIF 2.1.0. `partialFingerprints` is the credential's hash, so a result survives rebases and moves. */
export function formatSarif(findings: readonly Finding[]): string {
  const results = findings.map((finding) => ({
    ruleId: RULES[finding.kind].id,
    level: finding.status === 'revoked' ? 'note' : 'error',
    message: {
      text: `Skytells ${KIND_NAMES[finding.kind]} ${finding.masked} (${finding.status ?? 'unverified'})${finding.firstSeen ? `, first committed ${finding.firstSeen}` : ''}`,
    },
    locations: finding.locations
      .filter((l) => l.path)
      .slice(0, 20)
      .map((l) => ({ physicalLocation: { artifactLocation: { uri: l.path }, ...(l.line ? { region: { startLine: l.line } } : {}) } })),
    partialFingerprints: { 'skytellsCredentialHash/v1': finding.hash },
    properties: { status: finding.status ?? 'unverified', firstSeen: finding.firstSeen, firstCommit: finding.firstCommit },
  }));
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'skytells-scan',
            rules: Object.entries(RULES).map(([kind, rule]) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: `Skytells ${KIND_NAMES[kind as keyof typeof KIND_NAMES]} (checksum verified)` },
              help: { text: 'Revoke the credential, create a replacement, remove it from history, and review its usage during the exposure window.' },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
