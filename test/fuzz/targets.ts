// Fuzz targets (issue 9): every decoder and entry point that takes bytes or text from outside.
// Each target turns a generated case into an outcome: `accepted`, or `rejected` with a reason.
// A throw other than the entry point's documented ConfigError, or a hang, is a bug.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, Escalation, TelemetryWindow, decodeJson, decodeWindow, encodeWindowBinary, type Result } from '../../src/core/index.ts';
import { createSparkplugEncoder, decodeSparkplugWindow, loadPlantYaml } from '../../src/simulator/index.ts';
import { parseCsv } from '../../src/edge/offline/csv.ts';

export type Outcome = { ok: true } | { ok: false; reason: string };

export interface FuzzTarget {
  name: string;
  arbitrary: fc.Arbitrary<unknown>;
  /** Runs the entry point; throws only on a bug. */
  run(input: unknown): Outcome | Promise<Outcome>;
}

const fromResult = (r: Result<unknown>): Outcome => (r.ok ? { ok: true } : { ok: false, reason: r.reason });

/** A first word of a rejection reason, so reasons group into a small table. */
export function reasonClass(reason: string): string {
  return reason.replace(/[0-9]+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 70);
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

/** Valid telemetry windows, the seeds that mutations start from. */
const window = fc.record({
  v: fc.constant(1 as const),
  site: segment,
  line: segment,
  machine: segment,
  seq: fc.nat(),
  ts: fc.nat(),
  channels: fc.array(
    fc.record({ name: segment, unit: fc.constantFrom('m/s2', 'rpm', 'degC'), rateHz: fc.constantFrom(1, 10240), values: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: 1, maxLength: 64 }) }),
    { minLength: 1, maxLength: 4 },
  ),
}) as fc.Arbitrary<TelemetryWindow>;

/** Bytes: random, or a valid encoding with flipped bytes, truncated, or extended. */
function mutatedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const mutate = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.oneof(fc.constant(-1), fc.nat()), fc.uint8Array({ maxLength: 8 })).map(([b, flips, cut, tail]) => {
    const out = Uint8Array.from(b);
    for (const [i, v] of flips) if (out.length > 0) out[i % out.length] = v;
    const cutAt = cut < 0 ? out.length : cut % (out.length + 1);
    return Uint8Array.from([...out.subarray(0, cutAt), ...(cut < 0 ? tail : [])]);
  });
  return fc.oneof(fc.uint8Array({ maxLength: 256 }), valid, mutate, mutate);
}

/** JSON text: random strings, valid documents, and valid documents with one field replaced by junk. */
function mutatedJson<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<string> {
  const junk = fc.oneof(fc.constant(null), fc.constant('NaN'), fc.double(), fc.string(), fc.constant([]), fc.constant({}), fc.constant(1e308 * 10));
  const replaced = fc.tuple(valid, fc.nat(), junk).map(([v, k, j]) => {
    const o = JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length > 0) o[keys[k % keys.length]!] = j;
    return JSON.stringify(o);
  });
  return fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), valid.map((v) => JSON.stringify(v)), replaced, replaced);
}

const escalation = fc.record({
  v: fc.constant(1), id: fc.string({ minLength: 1, maxLength: 40 }), site: segment, line: segment, machine: segment,
  machineType: fc.constantFrom('centrifugal-pump', 'induction-motor', 'fan', 'gearbox', 'robot'),
  openedAt: fc.nat(), severity: fc.constantFrom('warning', 'critical'), score: finite,
  evidence: fc.record({
    features: fc.dictionary(segment, finite, { maxKeys: 5 }), baseline: fc.constant({}), shaftHz: fc.double({ min: 0, max: 500, noNaN: true }),
    envelopeDefectRatios: fc.record({ bpfo: finite, bpfi: finite, bsf: finite, ftf: finite }),
    orderAmplitudes: fc.record({ x1: finite, x2: finite, x3: finite }), topEnvelopePeaks: fc.constant([]),
  }),
  sentAtMs: fc.nat(),
});

const plantObject = fc.record({
  sites: fc.array(fc.record({
    id: fc.oneof(segment, fc.string({ maxLength: 5 })),
    ambientMeanC: fc.oneof(fc.integer({ min: -60, max: 80 }), fc.constant('warm')),
    lines: fc.array(fc.record({ id: segment, machines: fc.array(fc.record({ id: segment, type: fc.constantFrom('centrifugal-pump', 'induction-motor', 'fan', 'cnc-spindle', 'gearbox', 'lathe'), ratedSpeedRpm: fc.option(fc.integer({ min: -10, max: 40_000 }), { nil: undefined }) }), { maxLength: 3 }) }), { maxLength: 2 }),
  }), { maxLength: 2 }),
  sampling: fc.option(fc.record({ vibrationRateHz: fc.integer({ min: 0, max: 200_000 }), vibrationSamples: fc.integer({ min: 0, max: 70_000 }) }), { nil: undefined }),
}, { requiredKeys: [] });

/** A valid plant: one site, one line, machines with unique ids. */
const validPlant = fc.uniqueArray(segment, { minLength: 1, maxLength: 4 }).chain((ids) =>
  fc.tuple(...ids.map((id) => fc.record({ id: fc.constant(id), type: fc.constantFrom('centrifugal-pump', 'induction-motor', 'fan') }))).map((machines) => ({ sites: [{ id: 'site-a', lines: [{ id: 'line-1', machines }] }] })),
);

export const TARGETS: FuzzTarget[] = [
  {
    name: 'binary window frame',
    arbitrary: mutatedBytes(window.map((w) => encodeWindowBinary(w))),
    run: (b) => fromResult(decodeWindow(b as Uint8Array)),
  },
  {
    name: 'JSON window',
    arbitrary: mutatedJson(window),
    run: (s) => fromResult(decodeWindow(Buffer.from(s as string, 'utf8'))),
  },
  {
    name: 'Sparkplug B DDATA',
    arbitrary: fc.tuple(mutatedBytes(window.map((w) => createSparkplugEncoder({ nowMs: () => 0 }).data(w).payload)), fc.oneof(fc.constant('spBv1.0/s/DDATA/l/m'), fc.string({ maxLength: 30 }))),
    run: (x) => {
      const [bytes, topic] = x as [Uint8Array, string];
      return fromResult(decodeSparkplugWindow(topic, bytes));
    },
  },
  {
    name: 'escalation (cloud link)',
    arbitrary: mutatedJson(escalation),
    run: (s) => fromResult(decodeJson(Escalation, s as string)),
  },
  {
    name: 'CSV (detect / diagnose input)',
    arbitrary: fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), finite.map(String)), { maxLength: 4 }), { maxLength: 10 }).map((rows) => rows.map((r) => r.join(',')).join('\n'))),
    run: (s) => fromResult(parseCsv(s as string)),
  },
  {
    name: 'plant YAML',
    arbitrary: fc.oneof(fc.string({ maxLength: 200 }), plantObject.map((o) => stringify(o)), validPlant.map((o) => stringify(o))),
    run: (text) => {
      try {
        loadPlantYaml(text as string);
        return { ok: true };
      } catch (e) {
        if (e instanceof ConfigError) return { ok: false, reason: e.message };
        throw e;
      }
    },
  },
];
