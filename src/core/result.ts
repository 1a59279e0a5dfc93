// Expected outcomes as values (zod's safeParse style): the hot path never throws on bad input.

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Wraps a value as a success. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Wraps a reason as a rejection. */
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });
