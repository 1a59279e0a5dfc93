// Helpers for the transport contract tests: collect asynchronous deliveries and wait for them.
import { randomBytes } from 'node:crypto';

/** A short random token for unique topic/subject/durable names on shared brokers. */
export function uniqueToken(): string {
  return randomBytes(5).toString('hex');
}

/** Resolves once `predicate()` holds; rejects with `what` after `timeoutMs` (polls every 5 ms). */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A promise with its resolve function exposed (Promise.withResolvers is Node 22+). */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
