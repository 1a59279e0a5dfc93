// The built-in policy (the same as examples/policy.yaml): raw waveforms and process secrets never
// leave the site; derived features and aggregates, with the ids that name them, may go to the
// cloud's diagnosis in the EU. Everything else stays (deny by default).
import { parsePolicy, type Policy } from './schema.ts';

/** The default policy as data; examples/policy.yaml is its commented YAML form. */
export const DEFAULT_POLICY: Policy = parsePolicy(
  {
    version: 1,
    description: 'built-in default: features and aggregates to the EU cloud, raw signals and process secrets stay',
    neverLeave: ['raw-signal', 'process-secret'],
    defaultClass: 'unclassified',
    channels: [
      { channel: '*setpoint*', class: 'process-secret' },
      { channel: '*_sp', class: 'process-secret' },
      { channel: 'recipe*', class: 'process-secret' },
    ],
    fields: [
      { path: 'v', class: 'metadata' },
      { path: '{id,site,line,machine,machineType,incidentId,escalationId}', class: 'identifier' },
      { path: '{openedAt,sentAtMs,ts,severity,score,state,windows,modelVersion,regime}', class: 'metadata' },
      { path: '**.{recipe,recipes,production,productionOrder,setpoints,batch}.**', class: 'process-secret' },
      { path: '**.{recipe,recipes,production,productionOrder,setpoints,batch}', class: 'process-secret' },
      { path: '**.{values,samples,waveform,raw,rawSamples}', class: 'raw-signal' },
      { path: '**.{waveform,rawWaveform,raw}.**', class: 'raw-signal' },
      { path: 'channels.**', class: 'raw-signal' },
      { path: 'evidence.features.*', class: 'derived-feature' },
      { path: 'evidence.baseline.**', class: 'aggregate' },
      { path: 'evidence.**', class: 'derived-feature' },
      // A machine status (MachineStatus): its healthy baseline and a few features of the latest window.
      { path: 'baseline.**', class: 'aggregate' },
      { path: 'features.*', class: 'derived-feature' },
    ],
    rules: [
      {
        name: 'features-to-eu-cloud',
        destination: 'cloud-*',
        jurisdictions: ['EU'],
        allow: ['identifier', 'metadata', 'derived-feature', 'aggregate'],
      },
    ],
  },
  'built-in default policy',
);
