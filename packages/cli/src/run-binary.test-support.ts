/**
 * Runs the BUILT `skytells` binary as a child process, as a user's shell would: only PATH and
 * the given environment reach it, and everything it writes is kept for the test to search.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's bin entry, which runs the built dist/main.js. */
export const BIN = fileURLToPath(new URL('../bin/skytells.js', import.meta.url));

export interface BinaryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runBinary(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string; onStderr?: (text: string) => void },
): Promise<BinaryRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr);
  });
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
