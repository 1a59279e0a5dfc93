import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MachineBirth, decodeJson, decodeWindow, type Transport } from '../core/index.ts';
import { defaultPlant } from './default-plant.ts';
import { createSimulator } from './simulator.ts';
import { runPublisher } from './publisher.ts';

const START_MS = Date.UTC(2024, 0, 1);

interface Published {
  topic: string;
  payload: Uint8Array;
  retain: boolean;
  qos: number;
}

/** Records what is published; enough of a Transport for the publisher. */
function recordingTransport(): Transport & { sent: Published[] } {
  const sent: Published[] = [];
  return {
    sent,
    async publish(topic, payload, opts) {
      sent.push({ topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, retain: opts?.retain ?? false, qos: opts?.qos ?? 0 });
    },
    async subscribe() {
      throw new Error('not used by the publisher');
    },
    async close() {},
  };
}

for (const encoding of ['binary', 'json'] as const) {
  test(`publisher - publishes retained births first, then ${encoding} windows that decode`, async () => {
    const sim = createSimulator({ plant: defaultPlant({ machines: 3, sites: 2 }), seed: 1, startMs: START_MS, faults: [] });
    const t = recordingTransport();
    const progress: number[] = [];
    const r = await runPublisher({ sim, transport: t, speed: Infinity, durationMs: 30 * 60_000, encoding, onProgress: (p) => progress.push(p.windows) });
    assert.equal(r.windows, 3 * 6, 'six 5-minute steps of three machines');
    assert.equal(sim.nowMs, START_MS + 30 * 60_000);
    assert.equal(r.bytes, t.sent.reduce((s, m) => s + m.payload.byteLength, 0));
    assert.deepEqual(progress, [3, 6, 9, 12, 15, 18]);
    const births = t.sent.slice(0, 3);
    for (const b of births) {
      assert.match(b.topic, /^pdm\/site-[ab]\/line-1\/[a-z]+-\d{3}\/birth$/);
      assert.equal(b.retain, true);
      assert.equal(b.qos, 1);
      const d = decodeJson(MachineBirth, b.payload);
      assert.ok(d.ok, 'birth decodes');
      assert.equal(b.topic, `pdm/${d.value.site}/${d.value.line}/${d.value.machine}/birth`);
    }
    const windows = t.sent.slice(3);
    assert.equal(windows.length, 18);
    const seqs = new Map<string, number[]>();
    for (const m of windows) {
      assert.match(m.topic, /\/telemetry$/);
      assert.equal(m.retain, false);
      const d = decodeWindow(m.payload);
      assert.ok(d.ok, d.ok ? '' : d.reason);
      assert.equal(m.topic, `pdm/${d.value.site}/${d.value.line}/${d.value.machine}/telemetry`);
      assert.equal(d.value.channels[0]!.values.length, 4096);
      seqs.set(d.value.machine, [...(seqs.get(d.value.machine) ?? []), d.value.seq]);
    }
    for (const s of seqs.values()) assert.deepEqual(s, [0, 1, 2, 3, 4, 5]);
  });
}

test('publisher - stops on abort and paces simulated time to the wall clock', async () => {
  const sim = createSimulator({ plant: defaultPlant({ machines: 1 }), seed: 1, startMs: START_MS, faults: [] });
  const ac = new AbortController();
  const t = recordingTransport();
  const r = await runPublisher({ sim, transport: t, speed: Infinity, durationMs: 24 * 3_600_000, signal: ac.signal, onProgress: (p) => p.windows >= 4 && ac.abort() });
  assert.equal(r.windows, 4);

  // 10 steps of 5 simulated minutes at 30 000x: 100 ms of wall time at least.
  const paced = createSimulator({ plant: defaultPlant({ machines: 1 }), seed: 1, startMs: START_MS, faults: [] });
  const t0 = performance.now();
  const p = await runPublisher({ sim: paced, transport: recordingTransport(), speed: 30_000, durationMs: 50 * 60_000 });
  assert.equal(p.windows, 10);
  assert.ok(performance.now() - t0 >= 90, 'not faster than the requested speed');
});
