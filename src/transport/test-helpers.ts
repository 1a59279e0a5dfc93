// Helpers for the transport contract tests: collect asynchronous deliveries and wait for them.
import { randomBytes } from 'node:crypto';

/** A short random token for unique topic/subject/durable names on shared brokers. */
export function uniqueToken(): string {
  return randomBytes(5).toString('hex');
}

export { waitUntil } from '../../test/support/wait.ts';

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
