// SQLSTATE helpers. Both drivers (pg, PGlite) reject with an error carrying the five-character
// SQLSTATE in `code` (PostgreSQL manual, Appendix A "PostgreSQL Error Codes").

/** The SQLSTATE of a driver error, or undefined when it is not a database error. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** True for 23505 unique_violation. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

/** True for 40001 serialization_failure and 40P01 deadlock_detected: the transaction may be retried. */
export function isRetryable(err: unknown): boolean {
  const s = sqlState(err);
  return s === '40001' || s === '40P01';
}

/** Socket-level failures (no SQLSTATE) and server shutdown / connection classes 08, 57P0x. */
export function isConnectionFailure(err: unknown): boolean {
  const s = sqlState(err);
  if (s) return s.startsWith('08') || s.startsWith('57P') || s === '28P01' || s === '28000' || s === '3D000';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code); // ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND
}
