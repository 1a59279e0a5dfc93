// The smallest closed loop the policy tests run: one pump on one site with one outer-race fault
// placed by hand (seed 1), so a test can say exactly when the fault begins and fails.
import { parseScenario } from '../scenarios/scenario.ts';
import { buildSetup, type EvalSetup } from '../setup.ts';

const H = 3_600_000;

/** One pump, one bearing fault from `onsetH` to functional failure at `failureH`, `durationHours` simulated. */
export function oneFaultSetup(o: { durationHours: number; onsetH: number; failureH: number; preventiveIntervalHours?: number }): { setup: EvalSetup; machine: string } {
  const sc = parseScenario(`
name: tiny
description: one machine, one fault
plant: { default: { machines: 1, sites: 1 } }
durationHours: ${o.durationHours}
faults: { count: 0 }
preventive: { intervalHours: ${o.preventiveIntervalHours ?? 10000}, orderAheadHours: 96 }
seeds: { tuning: [1], testing: [101] }
`);
  const setup = buildSetup(sc, 1);
  const machine = setup.plant.sites[0]!.lines[0]!.machines[0]!.id;
  setup.faults = [{ machine, fault: 'bearing-outer-race', onsetMs: setup.startMs + o.onsetH * H, failureMs: setup.startMs + o.failureH * H }];
  return { setup, machine };
}
