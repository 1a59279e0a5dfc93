// Wire encodings. JSON for small messages; a compact binary frame for waveform windows
// (a 4096-sample float32 channel is 16 KiB instead of ~80 KiB of JSON text).
//
// Binary frame layout (little endian):
//   bytes 0..3  magic "PDMW"
//   bytes 4..7  u32 header length H
//   bytes 8..8+H  UTF-8 JSON header: the TelemetryWindow with each channel's `values`
//                 replaced by `n` (sample count)
//   then, per channel in header order, n float32 samples
import { z } from 'zod';
import { fail, ok, type Result } from './result.ts';
import { Channel, MAX_SAMPLES_PER_CHANNEL, TelemetryWindow } from './schemas/telemetry.ts';

/** Largest message any decoder accepts, checked before parsing (4 MiB). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const MAGIC = Buffer.from('PDMW', 'latin1');

/** Formats zod issues as `path: message; ...` so a dead letter names the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses JSON bytes and validates them against `schema`; never throws. */
export function decodeJson<S extends z.ZodType>(schema: S, payload: Uint8Array | string): Result<z.infer<S>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_MESSAGE_BYTES) return fail(`message of ${size} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (e) {
    return fail(`invalid JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(raw);
  return r.success ? ok(r.data) : fail(`schema: ${describeIssues(r.error)}`);
}

/** Encodes any message as JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Encodes a telemetry window as a binary frame (float32 samples). */
export function encodeWindowBinary(w: TelemetryWindow): Uint8Array {
  const header = Buffer.from(
    JSON.stringify({ ...w, channels: w.channels.map(({ values, ...c }) => ({ ...c, n: values.length })) }),
    'utf8',
  );
  const samples = w.channels.reduce((s, c) => s + c.values.length, 0);
  const buf = Buffer.alloc(8 + header.length + 4 * samples);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(header.length, 4);
  header.copy(buf, 8);
  let off = 8 + header.length;
  for (const c of w.channels) {
    for (const v of c.values) {
      buf.writeFloatLE(v, off);
      off += 4;
    }
  }
  return buf;
}

/** True when the payload starts with the binary frame's magic. */
export function isBinaryFrame(p: Uint8Array): boolean {
  return p.byteLength >= 4 && p[0] === 0x50 && p[1] === 0x44 && p[2] === 0x4d && p[3] === 0x57;
}

/**
 * A binary frame's header: the window with each channel's `values` replaced by `n`. The header is
 * validated by zod; the samples are checked in the decode loop itself. Validating 4096-sample arrays
 * element by element through zod took about a third of the edge's window→command time, and the
 * loop checks the same thing (a finite number; count within the channel limits).
 */
const BinaryHeader = TelemetryWindow.extend({
  channels: z.array(Channel.omit({ values: true }).extend({ n: z.number().int().min(1).max(MAX_SAMPLES_PER_CHANNEL) })).min(1).max(32),
});

/** Decodes a telemetry window from a binary frame or JSON and validates it; never throws. */
export function decodeWindow(payload: Uint8Array): Result<TelemetryWindow> {
  if (payload.byteLength > MAX_MESSAGE_BYTES) return fail(`message of ${payload.byteLength} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  if (!isBinaryFrame(payload)) return decodeJson(TelemetryWindow, payload);
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (buf.length < 8) return fail('binary frame shorter than its 8-byte prefix');
  const h = buf.readUInt32LE(4);
  if (8 + h > buf.length) return fail(`binary frame header length ${h} runs past the end (${buf.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, 8 + h).toString('utf8'));
  } catch (e) {
    return fail(`binary frame header is not JSON: ${(e as Error).message}`);
  }
  const chans = (header as { channels?: unknown })?.channels;
  if (!Array.isArray(chans)) return fail('schema: channels: expected array');
  // Frame layout first (sample counts against the bytes), then the header's schema.
  let end = 8 + h;
  for (const [i, c] of chans.entries()) {
    const n = (c as { n?: unknown })?.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return fail(`schema: channels.${i}.n: expected a sample count`);
    if (end + 4 * n > buf.length) return fail(`binary frame: channel ${i} declares ${n} samples but the frame ends early`);
    end += 4 * n;
  }
  if (end !== buf.length) return fail(`binary frame has ${buf.length - end} trailing bytes`);
  const r = BinaryHeader.safeParse(header);
  if (!r.success) return fail(`schema: ${describeIssues(r.error)}`);
  let off = 8 + h;
  const channels: Channel[] = [];
  for (const [i, { n, ...meta }] of r.data.channels.entries()) {
    const values = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const v = buf.readFloatLE(off + 4 * k);
      if (!Number.isFinite(v)) return fail(`schema: channels.${i}.values.${k}: sample is not a finite number (${v})`);
      values[k] = v;
    }
    off += 4 * n;
    channels.push({ ...meta, values });
  }
  return ok({ ...r.data, channels });
}
