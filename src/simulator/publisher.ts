// Publishes a simulator's output on the site broker: births (retained) first, then windows,
// paced so simulated time runs `speed` times faster than the wall clock. A recorder, when given,
// receives the same births and windows (and may be the only output: record-only runs).
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJson, encodeWindowBinary, machineTopic, truthTopic, type MachineBirth, type TelemetryWindow, type Transport } from '../core/index.ts';
import type { Simulator } from './simulator.ts';
import { createSparkplugEncoder } from './sparkplug.ts';

/** Where published births and windows are also written (see createRecorder). */
export interface PublishSink {
  births(births: readonly MachineBirth[]): Promise<void>;
  window(w: TelemetryWindow): Promise<void>;
}

export interface PublisherOptions {
  sim: Simulator;
  /** The site broker; omitted for a record-only run. */
  transport?: Transport;
  /** Receives every birth and window as published (e.g. a recorder). */
  sink?: PublishSink;
  /** Only these machines are published (default all). */
  machines?: ReadonlySet<string>;
  /** Simulated ms per wall ms; Infinity runs as fast as the transport accepts. */
  speed: number;
  /** Simulated time to run, ms. */
  durationMs: number;
  /**
   * Encoding of telemetry (default binary): binary frames or JSON on the UNS topics, or Sparkplug B
   * (NBIRTH/DBIRTH/DDATA on spBv1.0/{site}/.../{line}/{machine}, NDEATH at the end; see sparkplug.ts).
   */
  encoding?: 'binary' | 'json' | 'sparkplug';
  /**
   * Also publish each ground-truth record (JSON, retained) on `truth/{site}/{line}/{machine}`
   * whenever it changes: outside the `pdm/` tree, for evaluation code only. Default false.
   */
  truth?: boolean;
  /** Awaited after each step with the new event time, e.g. to sync the plant floor with the enterprise (plant-floor.ts). */
  onStep?: (nowMs: number) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (p: { nowMs: number; windows: number }) => void;
}

/** Runs the simulator for `durationMs` of simulated time and publishes everything; resolves with counts. */
export async function runPublisher(opts: PublisherOptions): Promise<{ windows: number; bytes: number }> {
  const { sim, transport, sink, signal } = opts;
  const only = opts.machines;
  const sparkplug = opts.encoding === 'sparkplug' ? createSparkplugEncoder() : null;
  const encode = opts.encoding === 'json' ? encodeJson : encodeWindowBinary;
  let windows = 0;
  let bytes = 0;
  const births = only ? sim.births.filter((b) => only.has(b.machine)) : sim.births;
  await sink?.births(births);
  if (transport && sparkplug) {
    // Sparkplug 3.0: births and data go with QoS 0 and retain false; seq orders them per edge node.
    for (const m of sparkplug.births(births)) {
      await transport.publish(m.topic, m.payload, { qos: 0 });
      bytes += m.payload.byteLength;
    }
  } else if (transport) {
    for (const b of births) {
      const payload = encodeJson(b);
      await transport.publish(machineTopic(b, 'birth'), payload, { retain: true, qos: 1 });
      bytes += payload.byteLength;
    }
  }
  const publishWindow = (w: TelemetryWindow): Promise<void> => {
    if (!transport) return Promise.resolve();
    if (sparkplug) {
      const m = sparkplug.data(w);
      bytes += m.payload.byteLength;
      return transport.publish(m.topic, m.payload, { qos: 0 });
    }
    const payload = encode(w);
    bytes += payload.byteLength;
    return transport.publish(machineTopic(w, 'telemetry'), payload, { qos: 1 });
  };
  // Ground truth: publish a record when its serialised form differs from what was last sent.
  const sentTruth = new Map<string, string>();
  const publishTruth = async (): Promise<void> => {
    if (!transport || !opts.truth) return;
    for (const t of sim.groundTruth()) {
      if (only && !only.has(t.machine)) continue;
      const text = JSON.stringify(t);
      if (sentTruth.get(t.id) === text) continue;
      sentTruth.set(t.id, text);
      const payload = new TextEncoder().encode(text);
      await transport.publish(truthTopic(t), payload, { retain: true, qos: 1 });
      bytes += payload.byteLength;
    }
  };
  await publishTruth();
  const simStartMs = sim.nowMs;
  const endMs = simStartMs + opts.durationMs;
  const wallStartMs = performance.now();
  let lastYieldMs = wallStartMs;
  try {
    while (sim.nowMs < endMs && !signal?.aborted) {
      const all = sim.step();
      const batch = only ? all.filter((w) => only.has(w.machine)) : all;
      await Promise.all(batch.map(publishWindow));
      if (sink) for (const w of batch) await sink.window(w);
      windows += batch.length;
      await opts.onStep?.(sim.nowMs);
      await publishTruth();
      opts.onProgress?.({ nowMs: sim.nowMs, windows });
      const dueWallMs = wallStartMs + (sim.nowMs - simStartMs) / opts.speed;
      const aheadMs = dueWallMs - performance.now();
      if (aheadMs > 1) {
        await sleep(aheadMs, undefined, { signal }).catch(() => undefined);
        lastYieldMs = performance.now();
      } else if (performance.now() - lastYieldMs > 50) {
        // Flat out: still let timers, sockets and abort handlers run now and then.
        await new Promise<void>((r) => setImmediate(r));
        lastYieldMs = performance.now();
      }
    }
  } finally {
    // Sparkplug: the node's death certificate ends its session (our Transport has no MQTT will).
    if (transport && sparkplug) for (const m of sparkplug.deaths()) await transport.publish(m.topic, m.payload, { qos: 1 }).catch(() => undefined);
  }
  return { windows, bytes };
}
