// Unified Namespace topics (MQTT, edge site broker) and cloud-link subjects (JetStream).
import { fail, ok, type Result } from './result.ts';

export type MachineTopicKind = 'telemetry' | 'birth' | 'alarm' | 'command' | 'quality';

/** Every kind, in one place: `quality` carries the edge's data-quality (sensor fault) events. */
export const MACHINE_TOPIC_KINDS: readonly MachineTopicKind[] = ['telemetry', 'birth', 'alarm', 'command', 'quality'];

export interface MachineAddress {
  site: string;
  line: string;
  machine: string;
}

/** A topic segment: letters, digits, `-` and `_` only (no MQTT wildcards or separators). */
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `s` is usable as one UNS topic segment. */
export function isSegment(s: string): boolean {
  return SEGMENT.test(s);
}

/** `pdm/{site}/{line}/{machine}/{kind}` */
export function machineTopic(a: MachineAddress, kind: MachineTopicKind): string {
  return `pdm/${a.site}/${a.line}/${a.machine}/${kind}`;
}

/** MQTT filter for every machine of a site (or all sites with `+`). */
export function siteFilter(site: string, kind: MachineTopicKind): string {
  return `pdm/${site}/+/+/${kind}`;
}

/** Parses a UNS machine topic; a value, not a throw, on a topic that does not fit. */
export function parseMachineTopic(topic: string): Result<MachineAddress & { kind: MachineTopicKind }> {
  const p = topic.split('/');
  if (p.length !== 5 || p[0] !== 'pdm') return fail(`topic "${topic}" is not pdm/{site}/{line}/{machine}/{kind}`);
  const [, site, line, machine, kind] = p as [string, string, string, string, string];
  if (![site, line, machine].every(isSegment)) return fail(`topic "${topic}" has an invalid segment`);
  if (!(MACHINE_TOPIC_KINDS as readonly string[]).includes(kind)) return fail(`topic "${topic}" has unknown kind "${kind}"`);
  return ok({ site, line, machine, kind: kind as MachineTopicKind });
}

/** Cloud-link subjects (NATS style, `.`-separated); a site's traffic stays under its own subjects. */
export const subjects = {
  escalation: (site: string) => `pdm.escalation.${site}`,
  escalationsAll: 'pdm.escalation.>',
  ack: (site: string) => `pdm.ack.${site}`,
  status: (site: string) => `pdm.status.${site}`,
  statusAll: 'pdm.status.>',
  /** Evidence updates of open incidents (IncidentUpdate), acked on the site's ack subject like escalations. */
  update: (site: string) => `pdm.update.${site}`,
  updatesAll: 'pdm.update.>',
  /** Edge model releases (signed ONNX models) from the cloud to one site. */
  model: (site: string) => `pdm.model.${site}`,
  /** Fleet priors (healthy baselines per machine type) from the cloud to one site. */
  prior: (site: string) => `pdm.prior.${site}`,
} as const;

/**
 * Ground truth lives outside the `pdm/` tree on purpose: no edge filter (`pdm/{site}/+/+/...`)
 * can match it, so labels never leak into what detectors see. Only evaluation code subscribes.
 */
export function truthTopic(a: MachineAddress & { id: string }): string {
  // One retained topic per injection: a machine with two faults keeps both records.
  return `truth/${a.site}/${a.line}/${a.machine}/${a.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128)}`;
}

/** MQTT filter for every ground-truth record. */
export const TRUTH_FILTER = 'truth/#';
