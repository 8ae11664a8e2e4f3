/**
 * The writer thread's entry point: opens its own connection to the database and applies the
 * jobs it is sent, one at a time, in the order sent. Nothing here runs on the main thread,
 * so however long a flush's statements take, the event loop that serves requests is free.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseTarget } from './database-url.js';
import type { WriteBackend, WriteJob } from './write-jobs.js';
import { openWriteBackend } from './writer.js';

if (parentPort === null) throw new Error('writer-thread.js runs only as a worker thread');

/**
 * Requests come before writes. When this thread shares a core with the request thread (one
 * core, or a process pinned to one), the scheduler would otherwise give it equal turns, and a
 * flush's statements would hold requests up for whole time slices. At nice 10 it gets about a
 * tenth of a contended core, far more than a flush needs, and all of an idle one. Linux only:
 * there a thread has a nice value of its own, set through its thread id; elsewhere
 * `setPriority` would lower the whole process, so the thread keeps the process's priority.
 */
export const WRITER_NICE = 10;
if (process.platform === 'linux') {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), WRITER_NICE);
  } catch {
    // No /proc, or a sandbox that forbids it: the thread keeps the process's priority.
  }
}
const port = parentPort;
const target = workerData as DatabaseTarget;
let backend: WriteBackend | undefined;
let queue: Promise<void> = Promise.resolve();

async function run(id: number, job: WriteJob): Promise<void> {
  try {
    backend ??= await openWriteBackend(target);
    const written = await backend.apply(job);
    port.postMessage({ id, written });
  } catch (error) {
    // A failed connection is replaced on the next job; the caller keeps and retries this one.
    const current = backend;
    backend = undefined;
    await current?.close().catch(() => {});
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (message: { id: number; job: WriteJob } | { close: true }) => {
  if ('close' in message) {
    queue = queue.then(async () => {
      await backend?.close().catch(() => {});
      // Ends this thread only.
      process.exit(0);
    });
    return;
  }
  queue = queue.then(() => run(message.id, message.job));
});
