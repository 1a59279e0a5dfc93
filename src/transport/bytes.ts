// Payload normalisation shared by the adapters.

const encoder = new TextEncoder();

/** A string payload as UTF-8 bytes, a byte payload unchanged (no copy). */
export function toBytes(payload: Uint8Array | string): Uint8Array {
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}
