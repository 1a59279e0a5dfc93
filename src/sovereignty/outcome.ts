// Expected refusals of the sovereignty layer as values (src/core/result.ts style) with a stable
// code, so a caller can tell "the plant revoked our grant" from "this ciphertext was tampered with".

/** Why a sovereignty operation refused; stable strings for programs, the reason is for people. */
export type RefusalCode =
  | 'policy-blocked'
  | 'residency'
  | 'tampered'
  | 'bad-envelope'
  | 'grant-revoked'
  | 'grant-expired'
  | 'no-grant'
  | 'unknown-key'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'unavailable';

/** A refusal: `ok: false`, a code and a sentence that can be shown as is. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
}

/** Success or refusal, compatible with core's Result (both carry `ok` and, on failure, `reason`). */
export type Outcome<T> = { ok: true; value: T } | Refusal;

/** Wraps a value as a success. */
export const accept = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** Builds a refusal. */
export const refuse = (code: RefusalCode, reason: string): Refusal => ({ ok: false, code, reason });
