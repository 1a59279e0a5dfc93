// Shared by the recorder and replay tests: a small plant and a short recorded run of it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryWindow } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { createRecorder } from './recorder.ts';
import { createSimulator } from './simulator.ts';
import { runPublisher } from './publisher.ts';

export const START_MS = Date.UTC(2024, 0, 1);
export const MIN_MS = 60_000;
/** A small plant: three machines, 1024-sample windows (a quarter of the default, to keep the test light). */
export function smallPlant(): PlantConfig {
  return PlantConfig.parse({
    sampling: { vibrationRateHz: 10240, vibrationSamples: 1024 },
    sites: [
      { id: 'site-a', lines: [{ id: 'line-1', machines: [{ id: 'pump-001', type: 'centrifugal-pump' }, { id: 'motor-002', type: 'induction-motor' }] }] },
      { id: 'site-b', lines: [{ id: 'line-1', machines: [{ id: 'fan-003', type: 'fan' }] }] },
    ],
  });
}

/** Runs a short recorded simulation; returns the directory, the published windows and the simulator. */
export async function recordShortRun(durationMs = 40 * MIN_MS) {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-rec-'));
  // motor-002 fails 20 min in: from then on it publishes nothing, so its files are shorter.
  const faults = [
    { machine: 'motor-002', fault: 'misalignment' as const, onsetMs: START_MS + 5 * MIN_MS, failureMs: START_MS + 22 * MIN_MS },
    { machine: 'fan-003', fault: 'bearing-outer-race' as const, onsetMs: START_MS + 10 * MIN_MS, failureMs: START_MS + 30 * 3_600_000 },
  ];
  // A sensor fault too: pump-001's bearing RTD drifts for 20 min (the pump itself stays healthy).
  const sensorFaults = [{ machine: 'pump-001', channel: 'temp_bearing', kind: 'drift' as const, onsetMs: START_MS + 10 * MIN_MS, endMs: START_MS + 30 * MIN_MS }];
  const sim = createSimulator({ plant: smallPlant(), seed: 3, startMs: START_MS, faults, sensorFaults });
  const recorder = createRecorder({ dir, startMs: START_MS, windowIntervalMs: sim.windowIntervalMs });
  const published: TelemetryWindow[] = [];
  const sink = { births: recorder.births, window: async (w: TelemetryWindow) => { published.push(w); await recorder.window(w); } };
  await runPublisher({ sim, sink, speed: Infinity, durationMs });
  const summary = await recorder.close(sim.groundTruth());
  return { dir, published, sim, summary };
}

