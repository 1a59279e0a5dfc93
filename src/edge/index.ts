// The edge agent: features, detectors, alarm hysteresis, durable outbox, and the wiring of one site.
export * from './features/index.ts';
export * from './detectors/index.ts';
export * from './outbox/index.ts';
export { createAlarm, AlarmConfig, type Alarm, type AlarmTransition, type OpenIncident } from './alarm.ts';
export { createMachineMonitor, MonitorConfig, DetectorConfig, DriftConfig, type MachineMonitor, type MonitorState, type Observation } from './machine-monitor.ts';
export { createRegimeTracker, RegimeConfig, type RegimeState, type RegimeTracker } from './regime.ts';
export * from './quality/index.ts';
export { createEdgeAgent, EdgeAgentConfig, type EdgeAgent, type EdgeAgentOptions, type EdgeAgentEvent, type EdgeAgentStats } from './agent.ts';
export { createEdgeMetrics, startMetricsServer, LATENCY_BUCKETS_MS, type EdgeMetrics, type EdgeMetricsSource, type EdgeMetricsEvent, type MetricsServer } from './metrics.ts';
export { createFeatureTrends, FeatureTrendConfig, type FeatureTrends } from './feature-trends.ts';
