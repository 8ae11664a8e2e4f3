/**
 * Durations and start times typed on the command line: `90s`, `15m`, `12h`, `7d`, `2w`, or a
 * sum such as `1h30m`. `--since` also takes an ISO 8601 date or date-time. Pure.
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/** Seconds in `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (!DURATION.test(value)) return undefined;
  let seconds = 0;
  for (const [, count, unit] of value.matchAll(PART)) seconds += Number(count) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The instant `text` names: a duration back from `now`, or an ISO date; undefined when neither. */
export function parseSince(text: string, now: number): Date | undefined {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return new Date(now - seconds * 1000);
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(text.trim())) return undefined;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
