import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJson, decodeWindow, encodeJson, encodeWindowBinary, MAX_MESSAGE_BYTES } from './codec.ts';
import { TelemetryWindow } from './schemas/telemetry.ts';

const window: TelemetryWindow = {
  v: 1, site: 'site-a', line: 'line-1', machine: 'pump-001', seq: 7, ts: 1_700_000_000_000,
  channels: [
    { name: 'vib_de', unit: 'm/s2', rateHz: 10240, values: [0.5, -0.25, 1, 0] },
    { name: 'speed', unit: 'rpm', rateHz: 1, values: [2950] },
  ],
};

test('codec - binary frame round-trips a window (float32 precision)', () => {
  const r = decodeWindow(encodeWindowBinary(window));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.deepEqual(r.value, window);
});

test('codec - JSON window decodes through the same entry point', () => {
  const r = decodeWindow(encodeJson(window));
  assert.ok(r.ok);
  assert.equal(r.value.machine, 'pump-001');
});

test('codec - malformed windows are rejected with a reason naming the field', () => {
  const bad = { ...window, channels: [{ ...window.channels[0], values: [1, null] }] };
  const r = decodeWindow(encodeJson(bad));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /channels\.0\.values\.1/);
  const wrongVersion = decodeWindow(encodeJson({ ...window, v: 2 }));
  assert.match(wrongVersion.ok ? '' : wrongVersion.reason, /^schema: v:/);
  const notJson = decodeWindow(Buffer.from('{"v":1,'));
  assert.match(notJson.ok ? '' : notJson.reason, /invalid JSON/);
});

test('codec - NaN and Infinity samples in a binary frame are rejected', () => {
  for (const x of [NaN, Infinity, -Infinity]) {
    const frame = encodeWindowBinary({ ...window, channels: [{ ...window.channels[0]!, values: [1, x] }] });
    const r = decodeWindow(frame);
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /channels\.0\.values\.1/);
  }
});

test('codec - truncated binary frames and trailing bytes are rejected', () => {
  const frame = encodeWindowBinary(window);
  for (let cut = 1; cut < frame.length; cut += 7) {
    assert.equal(decodeWindow(frame.subarray(0, cut)).ok, false, `cut at ${cut}`);
  }
  const longer = Buffer.concat([frame, Buffer.from([1, 2, 3, 4])]);
  assert.match((decodeWindow(longer) as { reason: string }).reason, /trailing/);
});

test('codec - oversized messages are rejected before parsing', () => {
  const huge = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
  const r = decodeWindow(huge);
  assert.match(r.ok ? '' : r.reason, /exceeds/);
  assert.equal(decodeJson(TelemetryWindow, huge).ok, false);
});

test('codec - property: arbitrary bytes never throw and always give ok or a reason', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, magic) => {
      const b = magic ? Buffer.concat([Buffer.from('PDMW'), bytes]) : bytes;
      const r = decodeWindow(b);
      assert.ok(r.ok || (typeof r.reason === 'string' && r.reason.length > 0));
    }),
    { numRuns: 2000 },
  );
});

test('codec - property: any valid window round-trips through the binary frame', () => {
  const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(Math.fround);
  const chan = fc.record({
    name: fc.stringMatching(/^[a-z_]{1,12}$/),
    unit: fc.constantFrom('m/s2', 'degC', 'rpm'),
    rateHz: fc.integer({ min: 1, max: 25600 }),
    values: fc.array(f32, { minLength: 1, maxLength: 64 }),
  });
  fc.assert(
    fc.property(fc.array(chan, { minLength: 1, maxLength: 4 }), fc.nat(), (channels, seq) => {
      const w = { ...window, seq, channels };
      const r = decodeWindow(encodeWindowBinary(w));
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.deepEqual(r.value.channels.map((c) => c.values), channels.map((c) => c.values.map((v) => (Object.is(v, -0) ? -0 : v))));
    }),
    { numRuns: 300 },
  );
});
