import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken, hashCredential } from '@skytells/credentials';
import { detect } from './detect.js';
import { exitCode, groupFindings, type Hit, parseBaseline, withoutBaseline } from './findings.js';
import { formatJson, formatSarif, formatTable } from './output.js';

const key = generateApiKey();
const token = generatePersonalAccessToken();
const hits = (): Hit[] => {
  const [k, t] = detect(Buffer.from(`${key}\n${token}\n`)) as [Hit['detection'], Hit['detection']];
  return [
    { detection: k, location: { source: 'blob', path: 'b.env', commit: 'c2', date: '2026-02-01T00:00:00.000Z' } },
    { detection: k, location: { source: 'blob', path: 'a.env', commit: 'c1', date: '2026-01-01T00:00:00.000Z' } },
    { detection: t, location: { source: 'file', path: 'x.txt' } },
  ];
};

describe('findings', () => {
  test('grouped by credential, earliest place first', () => {
    const findings = groupFindings(hits());
    assert.equal(findings.length, 2);
    const [first, second] = findings as [ReturnType<typeof groupFindings>[0], ReturnType<typeof groupFindings>[0]];
    assert.equal(first.hash, hashCredential(key));
    assert.equal(first.firstSeen, '2026-01-01T00:00:00.000Z');
    assert.equal(first.firstCommit, 'c1');
    assert.deepEqual(
      first.locations.map((l) => l.path),
      ['a.env', 'b.env'],
    );
    assert.equal(second.value, token);
  });

  test('exit code: 2 on error, 1 for live or unverified, 0 for dead unless fail-on-any', () => {
    assert.equal(exitCode({ error: true, findings: [] }), 2);
    assert.equal(exitCode({ findings: [] }), 0);
    assert.equal(exitCode({ findings: [{ status: 'live' }, { status: 'revoked' }] }), 1);
    assert.equal(exitCode({ findings: [{}] }), 1);
    assert.equal(exitCode({ findings: [{ status: 'revoked' }, { status: 'unknown' }] }), 0);
    assert.equal(exitCode({ findings: [{ status: 'revoked' }], failOnAny: true }), 1);
    assert.equal(exitCode({ findings: [], failOnAny: true }), 0);
  });

  test('a baseline drops known hashes and refuses anything else', () => {
    const findings = groupFindings(hits());
    const baseline = parseBaseline(`# accepted\n${hashCredential(key).toUpperCase()}\n\n`);
    assert.deepEqual(
      withoutBaseline(findings, baseline).map((f) => f.value),
      [token],
    );
    assert.throws(() => parseBaseline('not-a-hash\n'), /line 1/);
  });

  test('no output format carries a secret; SARIF fingerprints are the credential hash', () => {
    const findings = groupFindings(hits());
    (findings[0] as { status?: string }).status = 'live';
    for (const text of [formatTable(findings), formatJson(findings), formatSarif(findings)]) {
      assert.equal(text.includes(key), false);
      assert.equal(text.includes(token), false);
    }
    assert.match(formatTable(findings), /sk-.{4}\u2026.{4} +API key +a\.env:1 \(\+1 more\) +c1 +2026-01-01 00:00:00 +live/);
    const sarif = JSON.parse(formatSarif(findings));
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(
      sarif.runs[0].results.map((r: any) => [
        r.ruleId,
        r.partialFingerprints['skytellsCredentialHash/v1'],
        r.locations[0].physicalLocation.artifactLocation.uri,
      ]),
      [
        ['skytells/api-key', hashCredential(key), 'a.env'],
        ['skytells/personal-access-token', hashCredential(token), 'x.txt'],
      ],
    );
  });
});
