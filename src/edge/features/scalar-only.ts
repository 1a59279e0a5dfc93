// Features of a window whose vibration cannot be used (stopped machine, a vibration sensor judged
// faulty or missing): the scalar levels only, with neutral spectral evidence, so the machine's
// process values are still watched and an incident can still carry its evidence.
import type { MachineBirth, TelemetryWindow } from '../../core/index.ts';
import type { WindowFeatures } from './window-features.ts';

/** Mean level of every scalar channel of `w` as `scalar.<name>`; waveform channels are skipped. */
export function scalarOnlyFeatures(w: TelemetryWindow, birth: MachineBirth, speedChannel = 'speed'): WindowFeatures {
  const waveforms = new Set(birth.sensors.filter((s) => s.kind === 'waveform').map((s) => s.channel));
  const features: Record<string, number> = {};
  for (const c of w.channels) {
    if (waveforms.has(c.name) || c.values.length === 0) continue;
    const m = c.values.reduce((s, v) => s + v, 0) / c.values.length;
    if (Number.isFinite(m)) features[`scalar.${c.name}`] = m;
  }
  const rpm = features[`scalar.${speedChannel}`] ?? birth.ratedSpeedRpm;
  return {
    features,
    evidence: {
      features: { ...features },
      shaftHz: Math.max(0, rpm / 60),
      envelopeDefectRatios: { bpfo: 0, bpfi: 0, bsf: 0, ftf: 0 },
      orderAmplitudes: { x1: 0, x2: 0, x3: 0 },
      topEnvelopePeaks: [],
    },
  };
}
