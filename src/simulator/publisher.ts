// Publishes a simulator's output on the site broker: births (retained) first, then windows,
// paced so simulated time runs `speed` times faster than the wall clock.
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJson, encodeWindowBinary, machineTopic, type Transport } from '../core/index.ts';
import type { Simulator } from './simulator.ts';

export interface PublisherOptions {
  sim: Simulator;
  transport: Transport;
  /** Simulated ms per wall ms; Infinity runs as fast as the transport accepts. */
  speed: number;
  /** Simulated time to run, ms. */
  durationMs: number;
  /** Waveform encoding of telemetry (default binary). */
  encoding?: 'binary' | 'json';
  signal?: AbortSignal;
  onProgress?: (p: { nowMs: number; windows: number }) => void;
}

/** Runs the simulator for `durationMs` of simulated time and publishes everything; resolves with counts. */
export async function runPublisher(opts: PublisherOptions): Promise<{ windows: number; bytes: number }> {
  const { sim, transport, signal } = opts;
  const encode = opts.encoding === 'json' ? encodeJson : encodeWindowBinary;
  let windows = 0;
  let bytes = 0;
  for (const b of sim.births) {
    const payload = encodeJson(b);
    await transport.publish(machineTopic(b, 'birth'), payload, { retain: true, qos: 1 });
    bytes += payload.byteLength;
  }
  const simStartMs = sim.nowMs;
  const endMs = simStartMs + opts.durationMs;
  const wallStartMs = performance.now();
  let lastYieldMs = wallStartMs;
  while (sim.nowMs < endMs && !signal?.aborted) {
    const batch = sim.step();
    await Promise.all(
      batch.map((w) => {
        const payload = encode(w);
        bytes += payload.byteLength;
        return transport.publish(machineTopic(w, 'telemetry'), payload, { qos: 1 });
      }),
    );
    windows += batch.length;
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
  return { windows, bytes };
}
