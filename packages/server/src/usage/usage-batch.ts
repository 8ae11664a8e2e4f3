/**
 * Usage recording: every authenticated /v1 request is added to its group in memory, one
 * group per (minute, credential, IP, user agent, method, route, status, model) holding the
 * count, errors, predictions, latency sum and maximum, and charge. The schedule's flush
 * upserts the groups (see store/write-jobs.ts), so a million requests of one shape in one
 * minute cost one row. Recording a request follows the note its verified credential carries
 * to that credential's groups of the current flush interval (no lookup by id, see `groupsOf`)
 * and compares the request with the credential's latest group, then its few others; no key
 * string is built unless a credential has many groups. On SQLite a flush writes the groups in
 * the order of their ids (see `PlaceRuns`), so each job rewrites a few neighbouring pages.
 *
 * An API key is only ever used on /v1, so every finished use of one is a sample here: its
 * last use (time, IP, user agent) is the newest sample's, handed to the last-used batch when
 * the groups are taken, instead of being recorded again on every request.
 *
 * Invariants:
 * - `record` never touches the database.
 * - A credential's note is trusted only in the flush interval it was made in: groups taken by
 *   a flush are never added to again.
 * - Each job carries a ledger id made when it is built; the writer applies a ledger id at
 *   most once, so a job retried after a lost acknowledgement counts once.
 * - A crash loses at most the groups of one flush interval.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { storableUserAgent } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { Metrics } from '../http/metrics.js';
import { Batch } from '../jobs/batch.js';
import type { DatabaseTarget } from '../store/database-url.js';
import { ordersUsageByPlace, placeCode, type UsageColumns, type UsageJob } from '../store/write-jobs.js';
import type { Writer } from '../store/writer.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import type { LastUsedBatch } from './last-used-batch.js';

export const MINUTE_MS = 60_000;
/** Beyond this many groups in one flush interval, a credential's groups are found by a string key instead. */
const LIST_LIMIT = 16;
/** Credentials handed to the last-used batch in one turn of the event loop (about half a millisecond). */
export const HANDOVER_CHUNK = 500;

/** What one finished request contributes. Absent IP, user agent and model are ''. */
export interface UsageSample {
  at: number;
  /** Who: the account and credential, as the verify cache hands them to every request of the credential. */
  credential: VerifiedCredential;
  ip: string;
  /** As sent: the batch keeps it only masked (`storableUserAgent`). */
  userAgent: string;
  method: string;
  route: string;
  status: number;
  model: string;
  prediction: boolean;
  latencyUs: number;
  chargeNanos: number;
}

/** One group: the minute, the credential and the request's shape (every dimension of a sample), with its sums. */
interface Group extends Pick<UsageSample, 'ip' | 'userAgent' | 'method' | 'route' | 'status' | 'model'> {
  minute: number;
  accountId: string;
  kind: string;
  credentialId: string;
  requests: number;
  errors: number;
  predictions: number;
  latencySumUs: number;
  latencyMaxUs: number;
  chargeNanos: number;
}

/**
 * Groups in the order of their ids' places (`usageGroupPlace`: the minute, then `placeCode`),
 * kept as they are created, so that each job of a flush writes neighbouring rows and the
 * flush makes no pass over its groups to sort them. Such a pass reads every group, scattered
 * over a busy heap (a like pass, the last-used hand-over, took 5–23 ms of the event loop for
 * 10,000 credentials before it was cut into turns); taking these runs copies pointers.
 */
export class PlaceRuns<G extends Pick<Group, 'minute' | 'credentialId'>> {
  /** Runs by minute (one or two in a flush interval), then by place code (an array index). */
  private minutes = new Map<number, G[][]>();

  add(group: G): void {
    let runs = this.minutes.get(group.minute);
    if (runs === undefined) {
      runs = [];
      this.minutes.set(group.minute, runs);
    }
    const code = placeCode(group.credentialId);
    const run = runs[code];
    if (run === undefined) runs[code] = [group];
    else run.push(group);
  }

  /** Every group added since the last take, in place order; starts over. */
  take(): G[] {
    const { minutes } = this;
    this.minutes = new Map();
    const ordered: G[] = [];
    for (const minute of [...minutes.keys()].sort((a, b) => a - b)) {
      for (const run of minutes.get(minute) ?? []) if (run !== undefined) for (const g of run) ordered.push(g);
    }
    return ordered;
  }
}

function columnsOf(groups: Group[]): UsageColumns {
  const c: UsageColumns = {
    minute: [],
    accountId: [],
    kind: [],
    credentialId: [],
    ip: [],
    userAgent: [],
    method: [],
    route: [],
    status: [],
    model: [],
    requests: [],
    errors: [],
    predictions: [],
    latencySumUs: [],
    latencyMaxUs: [],
    chargeNanos: [],
  };
  for (const g of groups) {
    c.minute.push(g.minute);
    c.accountId.push(g.accountId);
    c.kind.push(g.kind);
    c.credentialId.push(g.credentialId);
    c.ip.push(g.ip);
    c.userAgent.push(g.userAgent);
    c.method.push(g.method);
    c.route.push(g.route);
    c.status.push(g.status);
    c.model.push(g.model);
    c.requests.push(g.requests);
    c.errors.push(g.errors);
    c.predictions.push(g.predictions);
    c.latencySumUs.push(g.latencySumUs);
    c.latencyMaxUs.push(g.latencyMaxUs);
    c.chargeNanos.push(g.chargeNanos);
  }
  return c;
}

/** One credential's pending groups (a list while few, then by key) and its newest sample, in one flush interval. */
interface CredentialGroups {
  groups: Group[] | Map<string, Group>;
  latest: Group;
  latestAt: number;
  interval: number;
}

type Shape = Pick<Group, 'minute' | 'ip' | 'userAgent' | 'method' | 'route' | 'status' | 'model'>;

const keyOf = (g: Shape): string => `${g.minute}\n${g.ip}\n${g.userAgent}\n${g.method}\n${g.route}\n${g.status}\n${g.model}`;

const sameShape = (g: Group, minute: number, s: UsageSample, userAgent: string): boolean =>
  g.minute === minute &&
  g.status === s.status &&
  g.userAgent === userAgent &&
  g.ip === s.ip &&
  g.route === s.route &&
  g.method === s.method &&
  g.model === s.model;

/** The group of `s`'s shape in `minute`, with `userAgent` for its user agent, among one credential's groups. */
function findGroup(groups: Group[] | Map<string, Group>, minute: number, s: UsageSample, userAgent: string): Group | undefined {
  if (!Array.isArray(groups)) return groups.get(keyOf({ ...s, minute, userAgent }));
  for (const g of groups) if (sameShape(g, minute, s, userAgent)) return g;
  return undefined;
}

export class UsageBatch {
  readonly name = 'usage';
  readonly batch: Batch<Group, UsageJob>;
  /** The pending groups by credential id; replaced whenever the batch's pending records are taken. */
  private byCredential = new Map<string, CredentialGroups>();
  /** Counts the replacements of `byCredential`: a credential's note of its groups holds only for its interval. */
  private interval = 0;
  private groupSequence = 0;
  /**
   * On SQLite, this interval's groups in write order. It holds exactly the groups the batch
   * holds: a group is added here when, and only when, the batch took it (`batch.set`), and
   * the batch takes these runs when it takes its pending records.
   */
  private readonly runs: PlaceRuns<Group> | undefined;
  /** This process's ledger ids: a random tag and a counter, unique across instances and restarts. */
  private readonly ledgerTag = randomBytes(9).toString('base64url');
  private ledgerSequence = 0;

  constructor(
    writer: Writer,
    clock: Clock,
    metrics: Metrics,
    private readonly lastUsed: LastUsedBatch,
    dialect: DatabaseTarget['dialect'],
  ) {
    const runs = ordersUsageByPlace(dialect) ? new PlaceRuns<Group>() : undefined;
    this.runs = runs;
    this.batch = new Batch(
      {
        name: 'usage',
        rowsPerJob: 250,
        toJob: (groups) => ({ op: 'usage', ledgerId: `${this.ledgerTag}.${++this.ledgerSequence}`, appliedAt: clock.now(), rows: columnsOf(groups) }),
        write: (job) => writer.apply(job),
        sizeOf: (job) => job.rows.minute.length,
        ...(runs === undefined ? {} : { takeInWriteOrder: () => runs.take() }),
      },
      metrics,
    );
  }

  /**
   * The pending groups of `credential` in this interval. The verify cache hands every request of a
   * credential the same object, so its note answers without a lookup by id (10,000 busy keys
   * make that lookup a cache miss or two on every request); a note from an earlier interval is
   * ignored, and an object new to this interval (a refreshed cache entry) is noted on first use.
   */
  private groupsOf(credential: VerifiedCredential): CredentialGroups | undefined {
    // Only this batch writes notes, and the credential objects of one server reach only its batch.
    const noted = credential.usageNote as CredentialGroups | null;
    if (noted !== null && noted.interval === this.interval) return noted;
    const entry = this.byCredential.get(credential.credentialId);
    if (entry !== undefined) credential.usageNote = entry;
    return entry;
  }

  record(s: UsageSample): void {
    const minute = s.at - (s.at % MINUTE_MS);
    const { credential } = s;
    const entry = this.groupsOf(credential);
    // Groups hold the masked user agent. One equal to the agent as sent is that agent masked
    // (masking changes only what holds a credential), so the common case masks nothing.
    // Most requests of a credential have the shape of its latest: that group is tried first.
    let group =
      entry === undefined
        ? undefined
        : sameShape(entry.latest, minute, s, s.userAgent)
          ? entry.latest
          : findGroup(entry.groups, minute, s, s.userAgent);
    const userAgent = group === undefined ? storableUserAgent(s.userAgent) : s.userAgent;
    if (group === undefined && entry !== undefined && userAgent !== s.userAgent) group = findGroup(entry.groups, minute, s, userAgent);
    if (group === undefined) {
      group = {
        minute,
        accountId: credential.accountId,
        kind: credential.kind,
        credentialId: credential.credentialId,
        ip: s.ip,
        userAgent,
        method: s.method,
        route: s.route,
        status: s.status,
        model: s.model,
        requests: 0,
        errors: 0,
        predictions: 0,
        latencySumUs: 0,
        latencyMaxUs: 0,
        chargeNanos: 0,
      };
      if (!this.batch.set(String(++this.groupSequence), group)) return;
      this.runs?.add(group);
      if (entry === undefined) {
        const created: CredentialGroups = { groups: [group], latest: group, latestAt: s.at, interval: this.interval };
        this.byCredential.set(credential.credentialId, created);
        credential.usageNote = created;
      } else if (!Array.isArray(entry.groups)) entry.groups.set(keyOf(group), group);
      else if (entry.groups.push(group) > LIST_LIMIT) entry.groups = new Map(entry.groups.map((g) => [keyOf(g), g]));
    }
    if (entry !== undefined && s.at >= entry.latestAt) {
      entry.latest = group;
      entry.latestAt = s.at;
    }
    group.requests++;
    if (s.status >= 400) group.errors++;
    if (s.prediction) group.predictions++;
    group.latencySumUs += s.latencyUs;
    if (s.latencyUs > group.latencyMaxUs) group.latencyMaxUs = s.latencyUs;
    group.chargeNanos += s.chargeNanos;
  }

  /**
   * Takes every pending group (the index starts over with the batch) and writes them. Each API
   * key's newest use goes to the last-used batch beside the writing, in turns of
   * `HANDOVER_CHUNK` credentials, so that a flush never holds the event loop for one pass
   * over every credential used in the interval; the flush job writes last-used next.
   */
  async flush(): Promise<void> {
    const taken = this.byCredential;
    this.byCredential = new Map();
    this.interval++;
    const [written] = await Promise.allSettled([this.batch.flush(), this.handOverLastUses(taken)]);
    if (written.status === 'rejected') throw written.reason;
  }

  private async handOverLastUses(taken: Map<string, CredentialGroups>): Promise<void> {
    let handed = 0;
    for (const [credentialId, { latest, latestAt }] of taken) {
      if (latest.kind === 'api_key') {
        // Absent IP and user agent are '' in a group and null in last-used.
        this.lastUsed.record('api_keys', credentialId, { at: latestAt, ip: latest.ip || null, userAgent: latest.userAgent || null });
      }
      if (++handed % HANDOVER_CHUNK === 0) await setImmediate();
    }
  }
}
