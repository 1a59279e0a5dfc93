// Idempotency-Key for REST writes (as in the IETF httpapi Idempotency-Key draft): the first
// request with a key runs and its response is stored; a repeat with the same body gets the stored
// response; a repeat with another body is refused (422); a repeat that arrives while the first
// still runs waits for it. The key row is inserted before the work runs, so parallel identical
// requests have one effect. A reservation whose request never finished (the process died, or the
// database went away so that neither the work nor the release of the key could be written) is
// abandoned after LEASE_MS and taken over by the next request with the key; without that, every
// retry of it would wait and get 409 (same body) or 422 (another body) forever (issue 9).
import { createHash } from 'node:crypto';
import type { SqlStore } from '../core/index.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** How long a repeat waits for the first request with its key to finish. */
const WAIT_MS = 30_000;

/**
 * Age (ms) after which an unfinished reservation counts as abandoned. Equal to WAIT_MS: no repeat
 * waits longer for it, and its own client (enterprise-http.ts times out after 10 s) gave up long
 * before. A request still running after this could run twice: the writes behind the routes are
 * idempotent on their own keys as well (notifications per incidentId), this is the backstop.
 */
export const LEASE_MS = WAIT_MS;

/** sha256 of the body's JSON. */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/** Runs `run` once per (key, route); see the file comment. */
export async function idempotent(store: SqlStore, key: string, route: string, hash: string, wallMs: number, run: () => Promise<StoredResponse>): Promise<StoredResponse> {
  const mine = await store.query('INSERT INTO idempotency_keys (key, route, body_sha256, created_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key', [key, route, hash, wallMs]);
  // An abandoned reservation is taken over with this request's body, by one request only.
  const takenOver = mine.rows.length === 0 && (await store.query(
    'UPDATE idempotency_keys SET body_sha256 = $3, created_at_ms = $4 WHERE key = $1 AND route = $2 AND status_code IS NULL AND created_at_ms < $5 RETURNING key',
    [key, route, hash, wallMs, wallMs - LEASE_MS],
  )).rows.length === 1;
  if (mine.rows.length === 1 || takenOver) {
    let r: StoredResponse;
    try {
      r = await run();
    } catch (err) {
      await store.query('DELETE FROM idempotency_keys WHERE key = $1 AND route = $2', [key, route]);
      throw err;
    }
    // A server failure is not remembered: the client may retry with the same key.
    if (r.status >= 500) await store.query('DELETE FROM idempotency_keys WHERE key = $1 AND route = $2', [key, route]);
    else await store.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE key = $1 AND route = $2', [key, route, r.status, JSON.stringify(r.body ?? null)]);
    return r;
  }
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const row = (await store.query<{ body_sha256: string; status_code: number | null; response: string | null }>(
      'SELECT body_sha256, status_code, response FROM idempotency_keys WHERE key = $1 AND route = $2', [key, route],
    )).rows[0];
    if (!row) return idempotent(store, key, route, hash, wallMs, run); // the first failed and let go of the key
    if (row.body_sha256 !== hash) return { status: 422, body: { error: 'idempotency-key-reused', message: 'this Idempotency-Key was used with a different body' } };
    if (row.status_code !== null) return { status: row.status_code, body: JSON.parse(row.response ?? 'null') };
    if (Date.now() > deadline) return { status: 409, body: { error: 'idempotency-key-in-progress', message: 'a request with this Idempotency-Key is still running' } };
    await new Promise((r) => setTimeout(r, 20));
  }
}
