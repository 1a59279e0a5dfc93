// Fuzz targets (issue 9): every decoder and entry point that takes bytes or text from outside.
// Each target turns a generated case into an outcome: `accepted`, or `rejected` with a reason.
// A throw other than the entry point's documented ConfigError, or a hang, is a bug.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, Escalation, TelemetryWindow, decodeJson, decodeWindow, encodeWindowBinary, type Result } from '../../src/core/index.ts';
import { createSparkplugEncoder, decodeSparkplugWindow, loadPlantYaml } from '../../src/simulator/index.ts';
import { parseCsv } from '../../src/edge/offline/csv.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadPolicyYaml } from '../../src/sovereignty/index.ts';
import { createWindower, planReplay, parseCsvLine } from '../../src/simulator/index.ts';
import { buildEnterpriseApp, createEnterpriseService, enterpriseMigrations, ENTERPRISE_MIGRATIONS_TABLE, seedCatalogue } from '../../src/enterprise/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import type { FastifyInstance } from 'fastify';

export type Outcome = { ok: true } | { ok: false; reason: string };

export interface FuzzTarget {
  name: string;
  arbitrary: fc.Arbitrary<unknown>;
  /** Runs the entry point; throws only on a bug. */
  run(input: unknown): Outcome | Promise<Outcome>;
}

const fromResult = (r: Result<unknown>): Outcome => (r.ok ? { ok: true } : { ok: false, reason: r.reason });

/** Runs a loader that throws ConfigError on bad input; any other throw is a bug. */
function configOutcome(load: () => unknown): Outcome {
  try {
    load();
    return { ok: true };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The shipped policy, mutated: fields dropped, values swapped for junk. */
const SHIPPED_POLICY = parseYaml(readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

/** One enterprise API over an in-memory PGlite, shared by every REST case of a run. */
let enterpriseApp: Promise<{ app: FastifyInstance; token: string }> | undefined;
function restApp(): Promise<{ app: FastifyInstance; token: string }> {
  enterpriseApp ??= (async () => {
    const store = await createPgliteStore();
    await migrate(store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE });
    await seedCatalogue(store);
    const token = 'fuzz-integration-token';
    const service = createEnterpriseService({ store });
    await service.registerPlant([{ machine: 'm1', site: 's1', line: 'l1', machineType: 'centrifugal-pump' }], { startMs: 0, horizonMs: 7 * 86_400_000 });
    const app = buildEnterpriseApp(service, { store, tokens: [{ role: 'integration', token }] });
    await app.ready();
    return { app, token };
  })();
  return enterpriseApp;
}

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
    name: 'policy YAML',
    arbitrary: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constant(stringify(SHIPPED_POLICY)),
      fc.tuple(fc.nat(), fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.constant([]), fc.constant({}))).map(([k, junk]) => {
        const o = JSON.parse(JSON.stringify(SHIPPED_POLICY)) as Record<string, unknown>;
        const keys = Object.keys(o);
        o[keys[k % keys.length]!] = junk;
        return stringify(o);
      }),
    ),
    run: (text) => configOutcome(() => loadPolicyYaml(text as string)),
  },
  {
    name: 'replay CSV',
    arbitrary: fc.tuple(
      fc.constantFrom('timestamp,value', 'timestamp,a,b', 'time,x', 'timestamp,vib'),
      fc.array(fc.array(fc.oneof(fc.string({ maxLength: 8 }), finite.map(String), fc.integer({ min: 0, max: 2e12 }).map(String), fc.constant('2026-01-01T00:00:00Z')), { maxLength: 4 }), { maxLength: 20 }),
    ),
    run: (x) => {
      const [header, rows] = x as [string, string[][]];
      return configOutcome(() => {
        const plan = planReplay(parseCsvLine(header), rows, { machine: 'fuzz-1' });
        // Bad rows inside a good plan are skipped and counted, never thrown.
        const w = createWindower(plan);
        for (const r of rows) w.push(r.join(','));
        w.flush();
      });
    },
  },
  {
    name: 'REST body (maintenance request)',
    // Half the seeds are requests the fuzz enterprise accepts (its one registered pump, known
    // fault, part and priority), so mutations start from valid bodies and acceptance is not a
    // ~1 % event: at 400 cases an all-rejected run was a 5 % flake (CI, session 4).
    arbitrary: mutatedJson(fc.oneof(
      fc.record({
        v: fc.constant(1), incidentId: fc.string({ minLength: 1, maxLength: 30 }), site: fc.constant('s1'), line: fc.constant('l1'), machine: fc.constant('m1'),
        machineType: fc.constant('centrifugal-pump'), faultType: fc.constantFrom('imbalance', 'bearing-outer-race', 'unknown'),
        component: fc.constantFrom(null, 'drive-end-bearing'), priority: fc.constantFrom('low', 'urgent'),
        dueBy: fc.nat(), detectedAt: fc.nat(), explanation: fc.string({ maxLength: 40 }),
      }),
      fc.record({
        v: fc.constant(1), incidentId: fc.string({ minLength: 1, maxLength: 30 }), site: fc.oneof(fc.constant('s1'), segment), line: fc.oneof(fc.constant('l1'), segment), machine: fc.oneof(fc.constant('m1'), segment),
        machineType: fc.constantFrom('centrifugal-pump', 'fan', 'lathe'), faultType: fc.constantFrom('imbalance', 'bearing-outer-race', 'unknown', 'gremlins'),
        component: fc.constantFrom(null, 'drive-end-bearing', 'flux-capacitor'), priority: fc.constantFrom('low', 'urgent', 'whenever'),
        dueBy: fc.nat(), detectedAt: fc.nat(), explanation: fc.string({ maxLength: 40 }),
      }),
    )),
    run: async (body) => {
      const { app, token } = await restApp();
      const r = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: body as string, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
      if (r.statusCode >= 500) throw new Error(`REST body gave ${r.statusCode}: ${r.body.slice(0, 200)}`);
      return r.statusCode < 300 ? { ok: true } : { ok: false, reason: `${r.statusCode} ${r.body.slice(0, 120)}` };
    },
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
