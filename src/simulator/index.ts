// The plant simulator: machine physics, fault degradation, ground truth, and the MQTT publisher.
export { PlantConfig, MachineConfig, LineConfig, SiteConfig, SamplingConfig, loadPlantYaml } from './config.ts';
export { defaultPlant } from './default-plant.ts';
export type { FaultInjection, GroundTruth } from './ground-truth.ts';
export { planFaults, DEFAULT_MIN_HEALTHY_MS, TIME_TO_FAILURE_MS } from './faults.ts';
export { createSimulator, DEFAULT_WINDOW_INTERVAL_MS, type Simulator, type SimulatorConfig } from './simulator.ts';
export { runPublisher, type PublisherOptions } from './publisher.ts';
export { MACHINE_TYPES, type MachineTypeSpec } from './machine-types.ts';
export { severityAt } from './degradation.ts';
export { createRng, type Rng } from './rng.ts';
