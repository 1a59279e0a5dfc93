// The plant simulator: machine physics, fault degradation, ground truth, the MQTT publisher
// (UNS binary/JSON or Sparkplug B), recording to files and replay of recorded CSVs.
export { PlantConfig, MachineConfig, LineConfig, SiteConfig, SamplingConfig, loadPlantYaml } from './config.ts';
export { defaultPlant } from './default-plant.ts';
export type { FaultInjection, GroundTruth } from './ground-truth.ts';
export { planFaults, machinesFor, faultAppliesTo, faultCountForRate, SIMULATED_FAULTS, FAULT_APPLIES_TO, DEFAULT_MIN_HEALTHY_MS, TIME_TO_FAILURE_MS } from './faults.ts';
export { createSimulator, DEFAULT_WINDOW_INTERVAL_MS, type Simulator, type SimulatorConfig } from './simulator.ts';
export { runPublisher, type PublisherOptions, type PublishSink } from './publisher.ts';
export { MACHINE_TYPES, type MachineTypeSpec } from './machine-types.ts';
export { severityAt } from './degradation.ts';
export { createRng, type Rng } from './rng.ts';
export { createRecorder, labelOf, RECORDING_CSV_HEADER, type Recorder, type RecorderConfig, type RecordingManifest, type RecordedMachine, type RecordedLabel } from './recorder.ts';
export { parseCsvLine, formatCsvLine, parseNumberCell, formatFloat32 } from './csv.ts';
export { runReplay, planReplay, createWindower, estimateRateHz, parseTimeCell, SNIFF_ROWS, WAVEFORM_MIN_RATE_HZ, DEFAULT_WAVEFORM_WINDOW_ROWS, type ReplayOptions, type ReplayPlan, type ReplayRun, type ReplayResult } from './replay.ts';
export {
  createSparkplugEncoder, decodeSparkplugWindow, decodeSparkplugBirth, parseSparkplugTopic, sparkplugTopic, sparkplugSeq,
  SPARKPLUG_NAMESPACE, SPARKPLUG_SEQ_MODULUS, WINDOW_SEQ_METRIC, type SparkplugEncoder, type SparkplugMessage, type SparkplugMessageType,
} from './sparkplug.ts';
export { selectMachines } from './select.ts';
export { CONTINUOUS_REGIMES, TWO_SHIFT_REGIMES, RegimeConfig, RegimeOverride, resolveRegime, inProduction, speedSetpointAt, operatingPointAt, type OperatingPoint } from './regimes.ts';
export { SensorFaultRates, planSensorFaults, sensorFaultAppliesTo, type SensorFaultInjection } from './sensor-fault-plan.ts';
export { createSensorFaultApplier, type SensorFaultApplier } from './sensor-faults.ts';
export { DETECTABLE_SEVERITY, detectableAtMs, machineFaultId, sensorFaultId, machineFaultTruth, sensorFaultTruth } from './ground-truth.ts';
export { STANDSTILL_VIBRATION_RMS_MS2 } from './standstill.ts';
export { createPlantFloor, type PlantFloor, type PlantFloorStats } from './plant-floor.ts';
export type { MachineDowntime } from './simulator.ts';
export { CHANNEL_UNITS, type ExtraChannel } from './machine-types.ts';
export { faultSeverityAt, lifeFractionAtSeverity, drawGrowth, DEFAULT_GROWTH } from './degradation.ts';
export { PHASE_CURRENT_RATE_HZ, PHASE_CURRENT_SAMPLES, slipOf, polePassHz, rotorBarSidebandRatio } from './motor-current.ts';
export { gearMeshLines, meshOrders } from './gear-mesh.ts';
export { flankWearMm, toolWearShape, cuttingForceFactor, VB_FAILURE_MM } from './tool-wear.ts';
