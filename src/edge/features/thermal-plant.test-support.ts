// A scalar-only machine with first-order thermal masses for the thermal-model tests: random
// starts, stops and speed setpoints (1.0 / 0.85 of rated), a random load (Ornstein–Uhlenbeck, which
// slows the shaft by slip), a daily ambient swing, a bearing (τ 30 min) and an oil sump (τ 90 min),
// and optionally a slow extra heat source in the sump (a fault). Seeded, so a failure reproduces.
import type { MachineBirth, TelemetryWindow } from '../../core/index.ts';
import { rng, testBirth } from './synthetic.test-support.ts';

export const THERMAL_WINDOW_MS = 5 * 60_000;
const T0 = Date.UTC(2024, 0, 1);

export const thermalBirth: MachineBirth = {
  ...testBirth,
  machine: 'g1',
  machineType: 'gearbox',
  sensors: [
    { channel: 'speed', unit: 'rpm', rateHz: 1, kind: 'scalar' },
    { channel: 'temp_bearing', unit: 'degC', rateHz: 1, kind: 'scalar' },
    { channel: 'temp_oil', unit: 'degC', rateHz: 1, kind: 'scalar' },
  ],
};

export interface ThermalPlantOptions {
  seed?: number;
  /** Extra sump heat, K of steady rise (the bearing, running in the oil, as much), by window index (a fault); 0 by default. */
  faultK?: (i: number) => number;
  /** Mean windows between operating changes (start, stop, setpoint). */
  meanRunWindows?: number;
}

/** A stateful plant: `next()` gives the next window (every 5 min). */
export function createThermalPlant(opts: ThermalPlantOptions = {}) {
  const u = rng(opts.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const aB = Math.exp(-THERMAL_WINDOW_MS / (30 * 60_000));
  const aO = Math.exp(-THERMAL_WINDOW_MS / (90 * 60_000));
  const meanRun = opts.meanRunWindows ?? 30;
  let i = 0;
  let setpoint = 1;
  let left = 20;
  let demand = 0;
  let tB = 20;
  let tO = 20;
  return {
    next(): TelemetryWindow {
      if (--left <= 0) {
        const r = u();
        setpoint = r < 0.25 ? 0 : r < 0.6 ? 0.85 : 1;
        left = 3 + Math.floor(-meanRun * Math.log(1 - u()));
      }
      const ambient = 20 + 4 * Math.sin((2 * Math.PI * ((i * THERMAL_WINDOW_MS) / 3_600_000 - 9)) / 24);
      const da = Math.exp(-THERMAL_WINDOW_MS / (45 * 60_000));
      demand = da * demand + Math.sqrt(1 - da * da) * normal();
      const running = setpoint > 0;
      const load = running ? (0.78 + 0.1 * demand) * setpoint : 0;
      const rpm = running ? 1500 * setpoint * (1 - 0.008 * demand) : 0;
      // The bearings run in the sump's oil: an extra sump heat warms their housing as much.
      const fault = running ? (opts.faultK?.(i) ?? 0) : 0;
      tB = ambient + 35 * load + fault + (tB - ambient - 35 * load - fault) * aB;
      tO = ambient + 40 * load + fault + (tO - ambient - 40 * load - fault) * aO;
      const w: TelemetryWindow = {
        v: 1, site: thermalBirth.site, line: thermalBirth.line, machine: thermalBirth.machine, seq: i, ts: T0 + i * THERMAL_WINDOW_MS,
        channels: [
          { name: 'speed', unit: 'rpm', rateHz: 1, values: [Math.abs(rpm + 0.5 * normal())] },
          { name: 'temp_bearing', unit: 'degC', rateHz: 1, values: [tB + 0.1 * normal()] },
          { name: 'temp_oil', unit: 'degC', rateHz: 1, values: [tO + 0.1 * normal()] },
        ],
      };
      i++;
      return w;
    },
  };
}
