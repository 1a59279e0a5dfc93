import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { ConfigError, MachineBirth, decodeJson, decodeWindow, type TelemetryWindow } from '../core/index.ts';
import { createMemoryBroker, createMemoryTransport } from '../transport/index.ts';
import { MACHINE_TYPES } from './machine-types.ts';
import { recordShortRun } from './recording.test-support.ts';
import { createWindower, estimateRateHz, planReplay, runReplay, type ReplayOptions } from './replay.ts';

const T0 = Date.UTC(2024, 0, 1);
const opts: ReplayOptions = { machine: 'm-1', site: 's', line: 'l' };

function lines(rows: string[]): string[] {
  return rows;
}

/** Replays `csv` into a memory broker; returns what a subscriber received and the result. */
async function replayInto(csv: Iterable<string> | AsyncIterable<string>, options: ReplayOptions = opts) {
  const broker = createMemoryBroker();
  const sub = createMemoryTransport(broker);
  const births: MachineBirth[] = [];
  const windows: TelemetryWindow[] = [];
  const bad: string[] = [];
  await sub.subscribe('pdm/+/+/+/#', (topic, payload) => {
    if (topic.endsWith('/birth')) {
      const b = decodeJson(MachineBirth, payload);
      if (b.ok) births.push(b.value);
      else bad.push(b.reason);
    } else {
      const w = decodeWindow(payload);
      if (w.ok) windows.push(w.value);
      else bad.push(w.reason);
    }
  });
  const result = await runReplay({ lines: csv, transport: createMemoryTransport(broker), options });
  await new Promise((r) => setImmediate(r)); // memory delivery is a microtask later
  return { births, windows, bad, result };
}

test('replay - plan finds the numeric columns, the rate and the birth; ignores text columns', () => {
  const rows = [0, 1, 2].map((i) => [String(T0 + 1000 * i), String(20 + i), 'ok', String(1480 + i)]);
  const plan = planReplay(['timestamp', 'temp_bearing', 'status', 'speed'], rows, { ...opts, machineType: 'fan' });
  assert.deepEqual(plan.columns, [{ index: 1, name: 'temp_bearing', unit: 'degC' }, { index: 3, name: 'speed', unit: 'rpm' }]);
  assert.equal(plan.rateHz, 1);
  assert.equal(plan.kind, 'scalar');
  assert.equal(plan.windowRows, 1);
  assert.ok(MachineBirth.safeParse(plan.birth).success);
  assert.deepEqual(plan.birth.bearing, MACHINE_TYPES.fan.bearing);
  assert.deepEqual(plan.birth.sensors.map((s) => [s.channel, s.kind, s.rateHz]), [['temp_bearing', 'scalar', 1], ['speed', 'scalar', 1]]);
});

test('replay - a file without numeric columns or without its time column is a ConfigError', () => {
  assert.throws(() => planReplay(['timestamp', 'status'], [[String(T0), 'ok']], opts), (e: unknown) => e instanceof ConfigError && /no numeric column/.test(e.message));
  assert.throws(() => planReplay(['time', 'x'], [[String(T0), '1']], opts), (e: unknown) => e instanceof ConfigError && /no column "timestamp"/.test(e.message));
  assert.throws(() => planReplay(['time', 'x'], [[String(T0), '1']], { ...opts, machine: 'a/b', timeColumn: 'time' }), ConfigError);
});

test('replay - rate estimate survives rounded kHz timestamps and whole-Hz rounding', () => {
  const times = Array.from({ length: 2048 }, (_, k) => Number(String(T0 + (k * 1000) / 10240)));
  assert.equal(estimateRateHz(times), 10240);
  assert.equal(estimateRateHz([T0, T0 + 1000, T0 + 2000, T0 + 600_000]), 1, 'a gap does not spoil the rate');
  assert.ok(Math.abs(estimateRateHz([0, 3, 6, 9])! - 1000 / 3) < 1e-9);
  assert.equal(estimateRateHz([5]), null);
});

test('replay - windows group N rows, break at time gaps, and bad rows are skipped and counted', () => {
  const header = ['timestamp', 'a', 'b'];
  const good = (i: number) => `${T0 + 1000 * i},${i},${-i}`;
  const data = [good(0), good(1), 'oops,1,2', `${T0 + 1500},x,3`, `,4,5`, good(2), '', good(3), good(4), `${T0 + 3500},9,9`, good(10), good(11)];
  const plan = planReplay(header, data.slice(0, 3).map((l) => l.split(',')), { ...opts, windowRows: 3 });
  const w = createWindower(plan);
  const out = data.flatMap((l) => w.push(l));
  const last = w.flush();
  if (last) out.push(last);
  assert.deepEqual(out.map((x) => x.channels[0]!.values), [[0, 1, 2], [3, 4], [10, 11]], 'full window of 3, then the run before the gap, then the rest');
  assert.deepEqual(out.map((x) => x.seq), [0, 1, 2]);
  assert.deepEqual(out.map((x) => x.ts), [T0, T0 + 3000, T0 + 10_000]);
  assert.deepEqual(out[0]!.channels[1]!.values, [0, -1, -2]);
  assert.equal(w.counters.get('replay.bad_row.time'), 2, '"oops" and an empty time');
  assert.equal(w.counters.get('replay.bad_row.value'), 1);
  assert.equal(w.counters.get('replay.bad_row.time_order'), 1, 'T0+3500 after T0+4000');
  assert.equal(w.counters.get('replay.rows'), 7);
});

test('replay - property: every good row lands in exactly one window, in order, whatever the junk around it', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }).map((v) => ({ v })), fc.constantFrom('junk', ',', 'x,y', '1e999,1')), { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (items, n) => {
      let t = T0;
      const rows = items.map((it) => (typeof it === 'string' ? it : `${(t += 1000)},${it.v}`));
      const plan = planReplay(['timestamp', 'v'], [[String(T0), '1']], { ...opts, windowRows: n });
      const w = createWindower(plan);
      const out = rows.flatMap((r) => w.push(r));
      const last = w.flush();
      if (last) out.push(last);
      const expected = items.flatMap((it) => (typeof it === 'string' ? [] : [it.v]));
      assert.deepEqual(out.flatMap((x) => x.channels[0]!.values), expected);
      assert.ok(out.every((x) => x.channels[0]!.values.length <= n && x.channels[0]!.values.length >= 1));
      assert.equal(w.counters.get('replay.rows'), expected.length);
    }),
    { numRuns: 300 },
  );
});

test('replay - publishes a retained birth, then windows that decode; ISO times and a custom separator work', async () => {
  const csv = lines(['time;flow;current', `2024-01-01T00:00:00Z;100;20`, `2024-01-01T00:00:01Z;101;21`, `2024-01-01T00:00:02Z;bad;22`, `2024-01-01T00:00:03Z;103;23`]);
  const { births, windows, bad, result } = await replayInto(csv, { ...opts, timeColumn: 'time', separator: ';', windowRows: 2 });
  assert.deepEqual(bad, []);
  assert.equal(births.length, 1);
  assert.equal(births[0]!.machine, 'm-1');
  assert.deepEqual(windows.map((w) => [w.ts, w.channels.map((c) => c.values)]), [[T0, [[100, 101], [20, 21]]], [T0 + 3000, [[103], [23]]]]);
  assert.equal(result.badRows, 1);
  assert.deepEqual(result.badByReason, { value: 1 });
  assert.equal(result.windows, 2);
});

test('replay - round trip: record, replay each channel file, decode: the recorded values come back', async () => {
  const { dir, published } = await recordShortRun(15 * 60_000);
  try {
    for (const channel of ['vib_de', 'speed']) {
      const path = join(dir, 'pump-001', `${channel}.csv`);
      const input = createReadStream(path);
      const { births, windows, result } = await replayInto(createInterface({ input, crlfDelay: Infinity }), { machine: 'pump-001', site: 'site-a', line: 'line-1', machineType: 'centrifugal-pump', valueChannel: channel, ...(channel === 'speed' ? { rateHz: 1 } : {}) });
      const originals = published.filter((w) => w.machine === 'pump-001');
      assert.equal(result.badRows, 0);
      assert.equal(births[0]!.sensors[0]!.channel, channel);
      assert.equal(births[0]!.sensors[0]!.kind, channel === 'vib_de' ? 'waveform' : 'scalar');
      if (channel === 'vib_de') assert.equal(result.plan.rateHz, 10240);
      // Scalars are recorded one sample per 5-minute window, so their rate comes from machines.json (1 Hz), not the file.
      // The recorder keeps 1024-sample windows apart by 5 minutes, so they come back as they went out.
      assert.equal(windows.length, originals.length, `${channel}: one replayed window per recorded window`);
      windows.forEach((w, i) => {
        const o = originals[i]!;
        assert.equal(w.ts, o.ts);
        const want = o.channels.find((c) => c.name === channel)!;
        assert.equal(w.channels[0]!.name, channel);
        assert.equal(w.channels[0]!.rateHz, want.rateHz);
        assert.deepEqual(w.channels[0]!.values, want.values.map(Math.fround), `${channel} window ${i}`);
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
