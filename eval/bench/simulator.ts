// Simulator throughput: how fast one core turns a fleet's physics into telemetry windows.
//
//   node --import tsx eval/bench/simulator.ts [--machines 1000] [--hours 1] [--runs 3] [--plant FILE] [--json] [--out FILE]
//   (--json prints the report on stdout instead of the text; --out also writes it, with summary rows, to FILE)
//   (add --expose-gc to node's flags to also measure the heap one simulated machine holds)
//
// Simulates the first --machines machines of the plant (default examples/fleet-1000.yaml; more
// than the file holds come from defaultPlant) for --hours of event time, as fast as possible, with
// no MQTT and no encoding: the cost of the physics alone. One in ten machines carries a fault, so
// bearing impacts, misalignment harmonics, rotor-bar sidebands, gear wear and tool wear are part of
// the cost. The default fleet holds all five machine types (200 each): motors and fans also publish
// an 8192-sample phase current (8 s at 1024 Hz) per window, spindles sample vibration at 25.6 kHz,
// gearboxes add their mesh harmonics and sidebands. Reports the median of --runs.
//
// Two real-time factors, so nobody is misled:
// - default cadence: each machine publishes one vibration window (4096 samples: 0.4 s at
//   10.24 kHz, 0.16 s at a spindle's 25.6 kHz) every 5 simulated minutes; factor = simulated
//   seconds per wall second at that cadence.
// - continuous streaming: vibration windows back to back (rate / samples windows per machine per
//   simulated second, summed over the fleet); factor = (windows per wall second) / (the fleet's
//   windows per simulated second). Below 1 the fleet cannot be streamed continuously in real time
//   on one core.
import { readFile } from 'node:fs/promises';
import { writeReport } from './harness.ts';
import { parseArgs } from 'node:util';
import { createSimulator, defaultPlant, loadPlantYaml, planFaults, selectMachines, type PlantConfig } from '../../src/simulator/index.ts';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2024, 0, 1);

interface RunResult {
  wallMs: number;
  /** CPU time of this process (user + system) during the run: on a shared machine, the per-core figure. */
  cpuMs: number;
  windows: number;
  samples: number;
  simulatedMs: number;
  /** Vibration windows per simulated second if every machine streamed back to back. */
  continuousWindowsPerSimSecond: number;
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
  const cpu0 = process.cpuUsage();
  while (sim.nowMs - START_MS < horizonMs) {
    for (const w of sim.step()) {
      windows++;
      for (const c of w.channels) samples += c.values.length;
    }
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const continuousWindowsPerSimSecond = sim.births.reduce((sum, b) => sum + b.sensors.find((x) => x.channel === 'vib_de')!.rateHz / plant.sampling.vibrationSamples, 0);
  return { wallMs, cpuMs, windows, samples, simulatedMs: sim.nowMs - START_MS, continuousWindowsPerSimSecond };
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
    options: { machines: { type: 'string', default: '1000' }, hours: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' }, plant: { type: 'string', default: 'examples/fleet-1000.yaml' }, json: { type: 'boolean' }, out: { type: 'string' } },
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
    process.stderr.write(`run ${i + 1}/${runs}: ${r.windows} windows, ${(r.samples / 1e6).toFixed(1)} M samples in ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU\n`);
  }
  const samplesPerS = median(results.map((r) => r.samples / (r.wallMs / 1000)));
  const windowsPerS = median(results.map((r) => r.windows / (r.wallMs / 1000)));
  const defaultFactor = median(results.map((r) => r.simulatedMs / r.wallMs));
  // Per CPU second: what one core does when it is not shared (the wall figures include waiting for a busy machine).
  const samplesPerCpuS = median(results.map((r) => r.samples / (r.cpuMs / 1000)));
  const defaultFactorCpu = median(results.map((r) => r.simulatedMs / r.cpuMs));
  const windowsPerSimSecondContinuous = results[0]!.continuousWindowsPerSimSecond;
  const continuousFactor = windowsPerS / windowsPerSimSecondContinuous;
  const report = {
    machines, hoursSimulated: hours, runs, node: process.version,
    types: [...new Set(plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.type))))].sort(),
    window: { samples: vibrationSamples, rateHz: vibrationRateHz, seconds: vibrationSamples / vibrationRateHz, note: 'plant default; spindles sample at their type rate' },
    medianSamplesPerSecond: Math.round(samplesPerS),
    medianWindowsPerSecond: Math.round(windowsPerS),
    realTimeFactorDefaultCadence: Number(defaultFactor.toFixed(1)),
    medianSamplesPerCpuSecond: Math.round(samplesPerCpuS),
    realTimeFactorDefaultCadencePerCpuSecond: Number(defaultFactorCpu.toFixed(1)),
    realTimeFactorContinuousStreaming: Number(continuousFactor.toFixed(4)),
    memoryPerMachineKiB: heapPerMachineKiB === null ? null : Number(heapPerMachineKiB.toFixed(1)),
  };
  if (values.out) {
    await writeReport(values.out, {
      bench: 'simulator', ...report,
      summary: [
        { name: 'simulator samples', value: report.medianSamplesPerCpuSecond, unit: 'samples/CPU s', note: `wall ${(report.medianSamplesPerSecond / 1e6).toFixed(2)} M/s` },
        // Issue 3: 1,000 machines simulated faster than real time on one core.
        { name: `simulator, ${machines} machines at 5-min cadence`, value: report.realTimeFactorDefaultCadencePerCpuSecond, unit: 'x real time per CPU s', target: { op: '>', value: 1 }, note: `wall ${report.realTimeFactorDefaultCadence}x` },
        { name: `simulator, ${machines} machines streaming continuously`, value: report.realTimeFactorContinuousStreaming, unit: 'x real time', note: 'vibration windows back to back' },
        { name: 'memory per simulated machine', value: report.memoryPerMachineKiB, unit: 'KiB', ...(report.memoryPerMachineKiB === null ? { note: 'run node with --expose-gc' } : {}) },
      ],
    });
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(`simulator benchmark: ${machines} machines, ${hours} h simulated, median of ${runs} run(s), one core (${process.version})
  samples per second           ${(samplesPerS / 1e6).toFixed(2)} M
  windows per second           ${windowsPerS.toFixed(0)}   (${vibrationSamples} samples = ${(vibrationSamples / vibrationRateHz).toFixed(2)} s of vibration each at the plant rate, plus phase current and scalars)
  real-time factor, default    ${defaultFactor.toFixed(1)}x   (one window per machine every 5 simulated minutes)
  per CPU second               ${(samplesPerCpuS / 1e6).toFixed(2)} M samples, ${defaultFactorCpu.toFixed(1)}x real time   (process CPU time: the figure for an unshared core)
  real-time factor, continuous ${continuousFactor.toFixed(4)}x   (windows back to back: ${windowsPerSimSecondContinuous.toFixed(0)} windows per simulated second for the fleet)
  memory per simulated machine ${heapPerMachineKiB === null ? 'n/a (run node with --expose-gc)' : `${heapPerMachineKiB.toFixed(1)} KiB`}
`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
