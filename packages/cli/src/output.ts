/**
 * Everything the CLI prints goes through here.
 *
 * - Data goes to stdout (a table, or JSON with --json); messages, warnings and the spinner go
 *   to stderr, so stdout can be piped.
 * - Every line is passed through `redactCredentials` first: no key or token reaches the
 *   terminal, a log or a pipe by accident, in a message, an echoed server answer or an error.
 *   The one exception is `secretOnce`, the output of a create or rotate, which is the point of
 *   the command.
 * - Colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
 */
import { redactCredentials } from '@skytells/credentials';
import picocolors from 'picocolors';
import yoctoSpinner from 'yocto-spinner';
import { formatFields, formatTable } from './table.js';

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/** A spinner appears only for waits longer than this. */
const SPINNER_DELAY_MS = 1000;

export class Output {
  readonly colors: ReturnType<typeof picocolors.createColors>;
  private readonly interactive: boolean;

  constructor(
    private readonly stdout: Stream,
    private readonly stderr: Stream,
    env: Readonly<Record<string, string | undefined>>,
  ) {
    const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
    this.colors = picocolors.createColors(!noColor && stderr.isTTY === true);
    this.interactive = stdout.isTTY === true && stderr.isTTY === true;
  }

  /** Whether a person is watching: stdout and stderr are both terminals. */
  get isInteractive(): boolean {
    return this.interactive;
  }

  json(value: unknown): void {
    this.stdout.write(redactCredentials(`${JSON.stringify(value, null, 2)}\n`));
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    const bold = this.stdout.isTTY === true ? this.colors.bold : (text: string) => text;
    this.stdout.write(redactCredentials(formatTable(headers, rows, bold)));
  }

  fields(fields: readonly (readonly [string, string])[]): void {
    const dim = this.stdout.isTTY === true ? this.colors.dim : (text: string) => text;
    this.stdout.write(redactCredentials(formatFields(fields, dim)));
  }

  /** After a table of one page: how to see the others, when there are. */
  morePages(pagination: { current_page: number; last_page: number; total: number }, noun: string): void {
    if (pagination.last_page > pagination.current_page) {
      this.info(`Page ${pagination.current_page} of ${pagination.last_page} (${pagination.total} ${noun}): use --page`);
    }
  }

  /** The one-time output of a create or rotate: written as is, alone on stdout. */
  secretOnce(text: string): void {
    this.stdout.write(`${text}\n`);
  }

  info(message: string): void {
    this.stderr.write(`${redactCredentials(message)}\n`);
  }

  success(message: string): void {
    this.info(this.colors.green(message));
  }

  warn(message: string): void {
    this.stderr.write(`${this.colors.yellow(`Warning: ${redactCredentials(message)}`)}\n`);
  }

  error(message: string, hint?: string): void {
    this.stderr.write(`${this.colors.red(`Error: ${redactCredentials(message)}`)}\n`);
    if (hint !== undefined) this.stderr.write(`${redactCredentials(hint)}\n`);
  }

  /** Runs `work`, with a spinner on stderr if it takes longer than a second and someone is watching. */
  async waitFor<T>(text: string, work: Promise<T>): Promise<T> {
    if (!this.interactive) return work;
    let spinner: ReturnType<typeof yoctoSpinner> | undefined;
    const timer = setTimeout(() => {
      spinner = yoctoSpinner({ text, stream: this.stderr as NodeJS.WriteStream }).start();
    }, SPINNER_DELAY_MS);
    try {
      return await work;
    } finally {
      clearTimeout(timer);
      spinner?.stop();
    }
  }
}
