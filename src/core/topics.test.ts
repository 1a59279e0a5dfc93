import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { machineTopic, parseMachineTopic } from './topics.ts';
import { parseDuration } from './duration.ts';
import { bearingDefectOrders } from './vocabulary.ts';

test('topics - a machine topic round-trips through the parser', () => {
  const seg = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
  fc.assert(
    fc.property(seg, seg, seg, fc.constantFrom('telemetry', 'birth', 'alarm', 'command') as fc.Arbitrary<'telemetry'>, (site, line, machine, kind) => {
      const r = parseMachineTopic(machineTopic({ site, line, machine }, kind));
      assert.deepEqual(r, { ok: true, value: { site, line, machine, kind } });
    }),
  );
});

test('topics - foreign and malformed topics are values with a reason', () => {
  for (const t of ['pdm/a/b/c', 'x/a/b/c/telemetry', 'pdm/a/b/c/other', 'pdm/a/+/c/telemetry', 'pdm/a/b/c/telemetry/extra']) {
    const r = parseMachineTopic(t);
    assert.equal(r.ok, false, t);
  }
});

test('duration - units and rejection of nonsense', () => {
  assert.deepEqual(parseDuration('60s'), { ok: true, value: 60_000 });
  assert.deepEqual(parseDuration('48h'), { ok: true, value: 172_800_000 });
  assert.deepEqual(parseDuration('250ms'), { ok: true, value: 250 });
  assert.equal(parseDuration('5 parsecs').ok, false);
  assert.equal(parseDuration('').ok, false);
});

test('vocabulary - 6205 bearing defect orders match the published values', () => {
  // SKF 6205: 9 balls, d = 7.94 mm, D = 39.04 mm; BPFO = 3.585x, BPFI = 5.415x (CWRU bearing data centre).
  const o = bearingDefectOrders({ designation: '6205', rollingElements: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 });
  assert.ok(Math.abs(o.bpfo - 3.585) < 0.005, `bpfo ${o.bpfo}`);
  assert.ok(Math.abs(o.bpfi - 5.415) < 0.005, `bpfi ${o.bpfi}`);
  assert.ok(Math.abs(o.ftf - 0.398) < 0.002, `ftf ${o.ftf}`);
});
