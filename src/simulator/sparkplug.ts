// Sparkplug B (Eclipse Sparkplug 3.0) encoding of births and windows, the interoperable option
// beside the UNS topics (DESIGN.md). Mapping: group_id = site, edge_node_id = line,
// device_id = machine; topics `spBv1.0/{site}/{NBIRTH|NDEATH}/{line}` and
// `spBv1.0/{site}/{DBIRTH|DDATA}/{line}/{machine}`.
//
// Payloads (protobuf via Eclipse Tahu's sparkplug-payload):
// - NBIRTH: seq 0, `bdSeq` (UInt64) and `Node Control/Rebirth` (Boolean), as spec 6.4.x requires.
// - DBIRTH: `Properties/...` metrics (machine type, rated speed, bearing geometry) and one metric
//   per sensor, null-valued, with properties unit (String), rateHz (Double), kind (String).
// - DDATA: `pdm/seq` (UInt64, the window's own per-machine seq), then per channel one metric:
//   a single value as Double; a block of samples (a waveform) as a Bytes metric holding
//   little-endian float32 samples with property encoding = "float32le" (4 bytes a sample, the
//   binary frame's precision; a DataSet would spend ~6 bytes of protobuf framing a sample).
//   Every metric carries properties unit and rateHz and the window's timestamp.
// - NDEATH: `bdSeq` of the NBIRTH it ends, no seq (spec: tck-id-payloads-ndeath-seq).
// Every payload but NDEATH carries `seq`, per edge node, 0–255, wrapping after 255 (spec
// tck-id-payloads-sequence-num-incrementing).
import * as sparkplug from 'sparkplug-payload';
import { BearingGeometry, MachineBirth, MachineType, TelemetryWindow, describeIssues, fail, ok, type Channel, type Result } from '../core/index.ts';

const pb = sparkplug.get('spBv1.0')!;
type UPayload = Parameters<typeof pb.encodePayload>[0];
type UMetric = NonNullable<UPayload['metrics']>[number];

/** Sparkplug B topic namespace (spec 4.1). */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';
/** Payload sequence numbers run 0..255 and wrap (spec 6.4.1). */
export const SPARKPLUG_SEQ_MODULUS = 256;
/** Name of the metric holding the window's per-machine sequence number. */
export const WINDOW_SEQ_METRIC = 'pdm/seq';

export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDATA';

/** A ready-to-publish Sparkplug message. Sparkplug publishes births and data with retain false. */
export interface SparkplugMessage {
  topic: string;
  payload: Uint8Array;
}

/** `spBv1.0/{group}/{type}/{node}[/{device}]` */
export function sparkplugTopic(type: SparkplugMessageType, group: string, node: string, device?: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/${type}/${node}${device === undefined ? '' : `/${device}`}`;
}

/** Parses a Sparkplug B topic into its parts; a value, never a throw. */
export function parseSparkplugTopic(topic: string): Result<{ group: string; type: string; node: string; device: string | null }> {
  const p = topic.split('/');
  if (p[0] !== SPARKPLUG_NAMESPACE || p.length < 4 || p.length > 5) return fail(`topic "${topic}" is not ${SPARKPLUG_NAMESPACE}/{group}/{type}/{node}[/{device}]`);
  return ok({ group: p[1]!, type: p[2]!, node: p[3]!, device: p[4] ?? null });
}

/** Encodes and sequences one process's Sparkplug messages; one seq counter per edge node. */
export interface SparkplugEncoder {
  /** NBIRTH of every edge node (line) the births belong to, each followed by its devices' DBIRTHs. */
  births(births: readonly MachineBirth[]): SparkplugMessage[];
  /** DDATA of one window. */
  data(w: TelemetryWindow): SparkplugMessage;
  /** NDEATH of every edge node born so far (publish at stop; also usable as the MQTT will). */
  deaths(): SparkplugMessage[];
}

/** Creates an encoder; `bdSeq` is the birth/death sequence number of this session (spec 6.4.2, 0–255). */
export function createSparkplugEncoder(opts: { bdSeq?: number; nowMs?: () => number } = {}): SparkplugEncoder {
  const bdSeq = (opts.bdSeq ?? 0) % SPARKPLUG_SEQ_MODULUS;
  const now = opts.nowMs ?? Date.now;
  const seqs = new Map<string, number>();
  const nodes = new Map<string, { group: string; node: string }>();
  const key = (group: string, node: string) => `${group}/${node}`;
  const nextSeq = (group: string, node: string): number => {
    const k = key(group, node);
    const s = seqs.get(k) ?? 0;
    seqs.set(k, (s + 1) % SPARKPLUG_SEQ_MODULUS);
    return s;
  };
  return {
    births(births) {
      const out: SparkplugMessage[] = [];
      const byNode = new Map<string, MachineBirth[]>();
      for (const b of births) byNode.set(key(b.site, b.line), [...(byNode.get(key(b.site, b.line)) ?? []), b]);
      for (const [k, devices] of byNode) {
        const { site, line } = devices[0]!;
        nodes.set(k, { group: site, node: line });
        seqs.set(k, 0); // NBIRTH always carries seq 0 (spec tck-id-payloads-nbirth-seq)
        const t = now();
        out.push({
          topic: sparkplugTopic('NBIRTH', site, line),
          payload: pb.encodePayload({
            timestamp: t,
            seq: nextSeq(site, line),
            metrics: [
              { name: 'bdSeq', type: 'UInt64', value: bdSeq, timestamp: t },
              { name: 'Node Control/Rebirth', type: 'Boolean', value: false, timestamp: t },
            ],
          }),
        });
        for (const b of devices) out.push({ topic: sparkplugTopic('DBIRTH', site, line, b.machine), payload: pb.encodePayload({ timestamp: t, seq: nextSeq(site, line), metrics: birthMetrics(b, t) }) });
      }
      return out;
    },
    data(w) {
      const metrics: UMetric[] = [{ name: WINDOW_SEQ_METRIC, type: 'UInt64', value: w.seq, timestamp: w.ts }, ...w.channels.map((c) => channelMetric(c, w.ts))];
      return { topic: sparkplugTopic('DDATA', w.site, w.line, w.machine), payload: pb.encodePayload({ timestamp: w.ts, seq: nextSeq(w.site, w.line), metrics }) };
    },
    deaths() {
      return [...nodes.values()].map(({ group, node }) => ({
        topic: sparkplugTopic('NDEATH', group, node),
        payload: pb.encodePayload({ timestamp: now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] }),
      }));
    },
  };
}

function str(value: string) {
  return { type: 'String' as const, value };
}
function dbl(value: number) {
  return { type: 'Double' as const, value };
}

function birthMetrics(b: MachineBirth, t: number): UMetric[] {
  const g = b.bearing;
  return [
    { name: 'Properties/machineType', type: 'String', value: b.machineType, timestamp: t },
    { name: 'Properties/ratedSpeedRpm', type: 'Double', value: b.ratedSpeedRpm, timestamp: t },
    { name: 'Properties/bearing/designation', type: 'String', value: g.designation, timestamp: t },
    { name: 'Properties/bearing/rollingElements', type: 'Int32', value: g.rollingElements, timestamp: t },
    { name: 'Properties/bearing/ballDiameterMm', type: 'Double', value: g.ballDiameterMm, timestamp: t },
    { name: 'Properties/bearing/pitchDiameterMm', type: 'Double', value: g.pitchDiameterMm, timestamp: t },
    { name: 'Properties/bearing/contactAngleDeg', type: 'Double', value: g.contactAngleDeg, timestamp: t },
    ...(b.drive
      ? ([
          { name: 'Properties/drive/supplyHz', type: 'Double', value: b.drive.supplyHz, timestamp: t },
          { name: 'Properties/drive/poles', type: 'Int32', value: b.drive.poles, timestamp: t },
        ] satisfies UMetric[])
      : []),
    ...(b.gear
      ? ([
          { name: 'Properties/gear/inputTeeth', type: 'Int32', value: b.gear.inputTeeth, timestamp: t },
          { name: 'Properties/gear/outputTeeth', type: 'Int32', value: b.gear.outputTeeth, timestamp: t },
        ] satisfies UMetric[])
      : []),
    ...b.sensors.map(
      (s): UMetric => ({
        name: s.channel,
        type: s.kind === 'waveform' ? 'Bytes' : 'Double',
        value: null,
        timestamp: t,
        properties: { unit: str(s.unit), rateHz: dbl(s.rateHz), kind: str(s.kind) },
      }),
    ),
  ];
}

function channelMetric(c: Channel, ts: number): UMetric {
  const properties = { unit: str(c.unit), rateHz: dbl(c.rateHz) };
  if (c.values.length === 1) return { name: c.name, type: 'Double', value: c.values[0]!, timestamp: ts, properties };
  const bytes = new Uint8Array(4 * c.values.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < c.values.length; i++) view.setFloat32(4 * i, c.values[i]!, true);
  return { name: c.name, type: 'Bytes', value: bytes, timestamp: ts, properties: { ...properties, encoding: str('float32le') } };
}

/** A protobuf uint64 arrives as a Long (or a number); this gives a safe number, or null. */
function toNumber(x: unknown): number | null {
  if (typeof x === 'number') return x;
  if (x !== null && typeof x === 'object' && typeof (x as { toNumber?: unknown }).toNumber === 'function') return (x as { toNumber(): number }).toNumber();
  return null;
}

interface Decoded {
  timestamp: number | null;
  seq: number | null;
  metrics: { name: string; type: string; value: unknown; props: Record<string, unknown> }[];
}

/** Decodes the protobuf payload; a malformed one is a reason, never a throw. */
function decodePayloadSafe(bytes: Uint8Array): Result<Decoded> {
  let raw: ReturnType<typeof pb.decodePayload>;
  try {
    raw = pb.decodePayload(bytes);
  } catch (e) {
    return fail(`sparkplug: invalid protobuf payload: ${(e as Error)?.message ?? String(e)}`);
  }
  const metrics: Decoded['metrics'] = [];
  for (const m of raw.metrics ?? []) {
    const props: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(m.properties ?? {})) props[k] = toNumber(p?.value) ?? p?.value;
    metrics.push({ name: m.name ?? '', type: String(m.type), value: m.type === 'Bytes' ? m.value : (toNumber(m.value) ?? m.value), props });
  }
  return ok({ timestamp: toNumber(raw.timestamp), seq: toNumber(raw.seq), metrics });
}

/** The payload's seq (0–255), or null when it has none (NDEATH) or it cannot be read. */
export function sparkplugSeq(bytes: Uint8Array): number | null {
  const d = decodePayloadSafe(bytes);
  return d.ok ? d.value.seq : null;
}

/** Decodes a DDATA message back into a TelemetryWindow and validates it; never throws. */
export function decodeSparkplugWindow(topic: string, bytes: Uint8Array): Result<TelemetryWindow> {
  const t = parseSparkplugTopic(topic);
  if (!t.ok) return t;
  if (t.value.type !== 'DDATA' || t.value.device === null) return fail(`topic "${topic}" is not a DDATA topic`);
  const d = decodePayloadSafe(bytes);
  if (!d.ok) return d;
  const channels: unknown[] = [];
  let seq: number | null = null;
  for (const m of d.value.metrics) {
    if (m.name === WINDOW_SEQ_METRIC) {
      seq = typeof m.value === 'number' ? m.value : null;
      continue;
    }
    let values: number[];
    if (m.type === 'Bytes') {
      if (!(m.value instanceof Uint8Array)) return fail(`sparkplug: metric "${m.name}": Bytes metric without bytes`);
      const wide = m.props.encoding === 'float64le';
      if (!wide && m.props.encoding !== 'float32le') return fail(`sparkplug: metric "${m.name}": unknown sample encoding "${String(m.props.encoding)}"`);
      const size = wide ? 8 : 4;
      if (m.value.byteLength % size !== 0) return fail(`sparkplug: metric "${m.name}": ${m.value.byteLength} bytes is not a whole number of samples`);
      const view = new DataView(m.value.buffer, m.value.byteOffset, m.value.byteLength);
      values = Array.from({ length: m.value.byteLength / size }, (_, i) => (wide ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true)));
    } else if (typeof m.value === 'number') values = [m.value];
    else return fail(`sparkplug: metric "${m.name}": ${m.type} is not a sample`);
    channels.push({ name: m.name, unit: m.props.unit, rateHz: m.props.rateHz, values });
  }
  if (seq === null) return fail(`sparkplug: DDATA has no numeric "${WINDOW_SEQ_METRIC}" metric`);
  const r = TelemetryWindow.safeParse({ v: 1, site: t.value.group, line: t.value.node, machine: t.value.device, seq, ts: d.value.timestamp, channels });
  return r.success ? ok(r.data) : fail(`schema: ${describeIssues(r.error)}`);
}

/** Decodes a DBIRTH message back into a MachineBirth and validates it; never throws. */
export function decodeSparkplugBirth(topic: string, bytes: Uint8Array): Result<MachineBirth> {
  const t = parseSparkplugTopic(topic);
  if (!t.ok) return t;
  if (t.value.type !== 'DBIRTH' || t.value.device === null) return fail(`topic "${topic}" is not a DBIRTH topic`);
  const d = decodePayloadSafe(bytes);
  if (!d.ok) return d;
  const prop = new Map(d.value.metrics.filter((m) => m.name.startsWith('Properties/')).map((m) => [m.name.slice('Properties/'.length), m.value]));
  const sensors = d.value.metrics
    .filter((m) => !m.name.startsWith('Properties/'))
    .map((m) => ({ channel: m.name, unit: m.props.unit, rateHz: m.props.rateHz, kind: m.props.kind }));
  const machineType = MachineType.safeParse(prop.get('machineType'));
  if (!machineType.success) return fail(`sparkplug: DBIRTH Properties/machineType: ${describeIssues(machineType.error)}`);
  const bearing = BearingGeometry.safeParse({
    designation: prop.get('bearing/designation'),
    rollingElements: prop.get('bearing/rollingElements'),
    ballDiameterMm: prop.get('bearing/ballDiameterMm'),
    pitchDiameterMm: prop.get('bearing/pitchDiameterMm'),
    contactAngleDeg: prop.get('bearing/contactAngleDeg'),
  });
  if (!bearing.success) return fail(`sparkplug: DBIRTH Properties/bearing: ${describeIssues(bearing.error)}`);
  // Optional type properties (induction drive, gear pair): present only when the birth had them.
  const drive = prop.has('drive/supplyHz') ? { drive: { supplyHz: prop.get('drive/supplyHz'), poles: prop.get('drive/poles') } } : {};
  const gear = prop.has('gear/inputTeeth') ? { gear: { inputTeeth: prop.get('gear/inputTeeth'), outputTeeth: prop.get('gear/outputTeeth') } } : {};
  const r = MachineBirth.safeParse({ v: 1, site: t.value.group, line: t.value.node, machine: t.value.device, machineType: machineType.data, ratedSpeedRpm: prop.get('ratedSpeedRpm'), bearing: bearing.data, ...drive, ...gear, sensors });
  return r.success ? ok(r.data) : fail(`schema: ${describeIssues(r.error)}`);
}
