/** Option parsers shared by commands; a bad value is a usage error (exit 2) from commander. */
import { type Command, InvalidArgumentError } from 'commander';
import { parseDuration, parseSince } from './duration.js';

export function durationSeconds(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError('Expected a duration such as 30m, 12h or 7d.');
  return seconds;
}

export function sinceDate(value: string): Date {
  const date = parseSince(value, Date.now());
  if (date === undefined) throw new InvalidArgumentError('Expected a duration back from now (7d, 12h) or a date (2026-01-31).');
  return date;
}

export function scopeList(value: string, previous: string[] = []): string[] {
  const scopes = value.split(/[\s,]+/).filter(Boolean);
  if (scopes.length === 0) throw new InvalidArgumentError('Expected scope names, e.g. keys.read,keys.write.');
  return [...previous, ...scopes];
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('Expected a whole number from 1.');
  return number;
}

export interface PageOptions {
  page: number;
  perPage: number;
  json?: boolean;
}

/** `--page`, `--per-page` and `--json`, for a command that prints one page of `noun`. */
export const pageOptions = (command: Command, noun: string, perPage: number): Command =>
  command
    .option('--page <n>', 'page number', positiveInteger, 1)
    .option('--per-page <n>', `${noun} per page (1-100)`, positiveInteger, perPage)
    .option('--json', 'print JSON');
