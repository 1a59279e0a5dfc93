// Simulator throughput: how fast one core turns a fleet's physics into telemetry windows.
//
//   node --import tsx eval/bench/simulator.ts [--machines 1000] [--hours 1] [--runs 3] [--plant FILE] [--json]
//   (add --expose-gc to node's flags to also measure the heap one simulated machine holds)
//
// Simulates the first --machines machines of the plant (default examples/fleet-1000.yaml; more
// than the file holds come from defaultPlant) for --hours of event time, as fast as possible, with
// no MQTT and no encoding: the cost of the physics alone. One in ten machines carries a fault, so
// bearing impacts and misalignment harmonics are part of the cost. Reports the median of --runs.
//
// Two real-time factors, so nobody is misled:
// - default cadence: each machine publishes one 0.4 s window (4096 samples at 10.24 kHz) every
//   5 simulated minutes; factor = simulated seconds per wall second at that cadence.
// - continuous streaming: windows back to back (2.5 windows per machine per simulated second);
//   factor = (windows per wall second) / (machines x windows per simulated second). Below 1 the
//   fleet cannot be streamed continuously in real time on one core.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createSimulator, defaultPlant, loadPlantYaml, planFaults, selectMachines, type PlantConfig } from '../../src/simulator/index.ts';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2024, 0, 1);

interface RunResult {
  wallMs: number;
  windows: number;
  samples: number;
  simulatedMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function fleet(file: string, machines: number): Promise<PlantConfig> {
  const plant = loadPlantYaml(await readFile(file, 'utf8'));
  const ids = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.id)));
  if (machines > ids.length) return defaultPlant({ machines, sites: Math.min(10, machines) });
  return selectMachines(plant, ids.slice(0, machines));
}

function runOnce(plant: PlantConfig, hours: number, seed: number): RunResult {
  const count = plant.sites.reduce((n, s) => n + s.lines.reduce((k, l) => k + l.machines.length, 0), 0);
  const horizonMs = hours * HOUR_MS;
  // Faults from the first minute so they act during even a short benchmark.
  const faults = planFaults({ plant, seed, startMs: START_MS, horizonMs: Math.max(horizonMs, 2 * 60_000), count: Math.ceil(count / 10), minHealthyMs: 0 });
  const sim = createSimulator({ plant, seed, startMs: START_MS, faults });
  let windows = 0;
  let samples = 0;
  const t0 = performance.now();
  while (sim.nowMs - START_MS < horizonMs) {
    for (const w of sim.step()) {
      windows++;
      for (const c of w.channels) samples += c.values.length;
    }
  }
  return { wallMs: performance.now() - t0, windows, samples, simulatedMs: sim.nowMs - START_MS };
}

/** Memory (heap + typed-array buffers) held per machine by a simulator after one step, KiB; null without --expose-gc. */
function heapPerMachine(plant: PlantConfig, machines: number): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  // Typed-array buffers (each machine's 4096-sample Float64Array) count as `external`, not heap.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
  const before = used();
  const sim = createSimulator({ plant, seed: 1, startMs: START_MS, faults: [] });
  sim.step();
  gc();
  const after = used();
  if (sim.nowMs !== START_MS + sim.windowIntervalMs) throw new Error('unreachable'); // keeps sim alive until measured
  return (after - before) / machines / 1024;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { machines: { type: 'string', default: '1000' }, hours: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' }, plant: { type: 'string', default: 'examples/fleet-1000.yaml' }, json: { type: 'boolean' } },
  });
  const machines = Number(values.machines);
  const hours = Number(values.hours);
  const runs = Number(values.runs);
  if (!(Number.isInteger(machines) && machines >= 1 && hours > 0 && Number.isInteger(runs) && runs >= 1)) throw new Error('--machines, --runs: integers >= 1; --hours > 0');
  const plant = await fleet(values.plant!, machines);
  const { vibrationRateHz, vibrationSamples } = plant.sampling;
  const heapPerMachineKiB = heapPerMachine(plant, machines);
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runOnce(plant, hours, i + 1);
    results.push(r);
    process.stderr.write(`run ${i + 1}/${runs}: ${r.windows} windows, ${(r.samples / 1e6).toFixed(1)} M samples in ${(r.wallMs / 1000).toFixed(2)} s\n`);
  }
  const samplesPerS = median(results.map((r) => r.samples / (r.wallMs / 1000)));
  const windowsPerS = median(results.map((r) => r.windows / (r.wallMs / 1000)));
  const defaultFactor = median(results.map((r) => r.simulatedMs / r.wallMs));
  const windowsPerSimSecondContinuous = machines * (vibrationRateHz / vibrationSamples);
  const continuousFactor = windowsPerS / windowsPerSimSecondContinuous;
  const report = {
    machines, hoursSimulated: hours, runs, node: process.version,
    window: { samples: vibrationSamples, rateHz: vibrationRateHz, seconds: vibrationSamples / vibrationRateHz },
    medianSamplesPerSecond: Math.round(samplesPerS),
    medianWindowsPerSecond: Math.round(windowsPerS),
    realTimeFactorDefaultCadence: Number(defaultFactor.toFixed(1)),
    realTimeFactorContinuousStreaming: Number(continuousFactor.toFixed(4)),
    memoryPerMachineKiB: heapPerMachineKiB === null ? null : Number(heapPerMachineKiB.toFixed(1)),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(`simulator benchmark: ${machines} machines, ${hours} h simulated, median of ${runs} run(s), one core (${process.version})
  samples per second           ${(samplesPerS / 1e6).toFixed(2)} M
  windows per second           ${windowsPerS.toFixed(0)}   (${vibrationSamples} samples = ${(vibrationSamples / vibrationRateHz).toFixed(2)} s of vibration each, plus scalars)
  real-time factor, default    ${defaultFactor.toFixed(1)}x   (one window per machine every 5 simulated minutes)
  real-time factor, continuous ${continuousFactor.toFixed(4)}x   (windows back to back: ${windowsPerSimSecondContinuous.toFixed(0)} windows per simulated second for the fleet)
  memory per simulated machine ${heapPerMachineKiB === null ? 'n/a (run node with --expose-gc)' : `${heapPerMachineKiB.toFixed(1)} KiB`}
`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
