// Which failures of the enterprise call are final. A 4xx judges the request itself (RFC 9110
// §15.5): sent again unchanged it is refused again, and our enterprise even stores a 4xx answer
// under the request's Idempotency-Key (src/enterprise/idempotency.ts remembers every status
// below 500), so a retry replays the refusal. Such an incident is decided as "refused by ERP"
// with the enterprise's reason instead of being redelivered forever. Everything else is
// transient and keeps the retry with backoff: 5xx, no answer (ServiceUnavailableError), and the
// 4xx that are about timing or about us rather than the request:
//   408 Request Timeout, 425 Too Early, 429 Too Many Requests (RFC 9110 §15.5.9, RFC 8470, RFC 6585);
//   409 the Idempotency-Key is still reserved by a request in progress (IETF httpapi draft);
//   401/403/407 our credentials or proxy (fixing the token must not find every incident refused);
//   404 the route itself (a mis-set base URL), since our enterprise answers an unknown machine with 422.
import { EnterpriseApiError, type MaintenanceRefusal } from '../core/index.ts';

/** 4xx statuses that say nothing final about the request: retried like a 5xx (see the file comment). */
export const TRANSIENT_CLIENT_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 407, 408, 409, 425, 429]);

/** True when `status` is a refusal of the request itself that no retry can change. */
export function isPermanentRefusal(status: number): boolean {
  return status >= 400 && status <= 499 && !TRANSIENT_CLIENT_STATUSES.has(status);
}

/** The refusal a failed enterprise call amounts to, or null when the call should be retried. */
export function refusalOf(err: unknown, incidentId: string): MaintenanceRefusal | null {
  if (!(err instanceof EnterpriseApiError) || !isPermanentRefusal(err.status)) return null;
  // EnterpriseApiError prefixes "enterprise API <status>: "; the refusal keeps the enterprise's own words.
  const reason = err.message.replace(/^enterprise API \d+: /, '').slice(0, 2000) || `HTTP ${err.status}`;
  return { v: 1, incidentId, status: err.status, reason };
}

/** What the edge's ack and the logs say of a refused decision. */
export const refusedDetail = (r: MaintenanceRefusal): string => `refused by ERP: ${r.reason}`;
