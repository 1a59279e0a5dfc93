import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ConfigError, Escalation } from '../../core/index.ts';
import { classifyLeaves, evaluatePolicy } from './evaluate.ts';
import { DEFAULT_POLICY } from './default-policy.ts';
import { loadPolicyYaml, parsePolicy, type Policy } from './schema.ts';
import { createPolicyEnforcer } from './enforcer.ts';
import { formatPath, pathMatches, splitPattern } from './paths.ts';
import type { AuditEntry } from '../audit/record.ts';

const sample = JSON.parse(readFileSync(new URL('../../../examples/escalation.sample.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const EU_CLOUD = { name: 'cloud-diagnosis', jurisdiction: 'DE' };
const flatJson = (v: unknown) => JSON.stringify(v);

test('policy - the default lets features and aggregates leave for the EU cloud and keeps raw waveforms and secrets', () => {
  const v = evaluatePolicy(DEFAULT_POLICY, sample, EU_CLOUD);
  assert.equal(v.outcome, 'reduced');
  const out = v.message as { evidence: Record<string, any>; process?: unknown; id: string };
  assert.equal(out.id, sample.id);
  assert.equal(out.evidence.features['accel.rmsMs2'], 3.42);
  assert.deepEqual(out.evidence.baseline['accel.rmsMs2'], { median: 1.9, mad: 0.2 });
  assert.equal(out.evidence.rawWaveform, undefined, 'the waveform object is removed whole');
  assert.equal(out.evidence.features['scalar.pressure_setpoint'], undefined, 'a setpoint channel is a process secret');
  assert.equal(out.evidence.features['scalar.flow_sp'], undefined);
  assert.equal(out.evidence.baseline['scalar.pressure_setpoint'], undefined);
  assert.ok(!flatJson(out).includes('PA66-GF30') && !flatJson(out).includes('PO-2026-11873'), 'recipe and production order stay');
  const d = v.decisions.find((x) => x.path === 'evidence.rawWaveform.values')!;
  assert.deepEqual(d, { path: 'evidence.rawWaveform.values', class: 'raw-signal', decision: 'stays', rule: 'neverLeave' });
  const f = v.decisions.find((x) => x.path === 'evidence.features.accel.rmsMs2')!;
  assert.deepEqual(f, { path: 'evidence.features.accel.rmsMs2', class: 'derived-feature', decision: 'leaves', rule: 'features-to-eu-cloud' });
  // What leaves is still an escalation the cloud accepts.
  assert.ok(Escalation.safeParse(out).success, 'the reduced message is still a valid Escalation');
  // The input is not modified.
  assert.ok(flatJson(sample).includes('PA66-GF30'));
});

test('policy - a destination outside the allowed jurisdictions or unknown is blocked whole', () => {
  for (const dest of [{ name: 'cloud-diagnosis', jurisdiction: 'US' }, { name: 'vendor-portal', jurisdiction: 'DE' }]) {
    const v = evaluatePolicy(DEFAULT_POLICY, sample, dest);
    assert.equal(v.outcome, 'blocked');
    assert.equal(v.message, undefined);
    assert.ok(v.decisions.every((d) => d.decision === 'stays'));
    assert.match(v.reason, /no transfer rule allows/);
  }
});

test('policy - a message with nothing allowed is blocked, a fully allowed one passes unchanged', () => {
  const raw = { channels: [{ name: 'vib_de', unit: 'm/s2', rateHz: 10240, values: [1, 2, 3] }] };
  assert.equal(evaluatePolicy(DEFAULT_POLICY, raw, EU_CLOUD).outcome, 'blocked');
  const clean = { v: 1, id: 'x', site: 's', evidence: { features: { 'accel.rmsMs2': 1 } } };
  const v = evaluatePolicy(DEFAULT_POLICY, clean, EU_CLOUD);
  assert.equal(v.outcome, 'allowed');
  assert.deepEqual(v.message, clean);
});

test('policy - unclassified fields stay (deny by default)', () => {
  const v = evaluatePolicy(DEFAULT_POLICY, { id: 'x', operatorNote: 'call Bob' }, EU_CLOUD);
  assert.equal(v.outcome, 'reduced');
  assert.deepEqual(v.message, { id: 'x' });
  assert.equal(v.decisions.find((d) => d.path === 'operatorNote')!.class, 'unclassified');
});

test('policy - YAML errors name the field', () => {
  assert.throws(() => loadPolicyYaml('version: 1\nrules:\n  - name: r\n    destination: "*"\n    jurisdictions: [EU]\n    allow: [raw-signal]\n'), (e: Error) => e instanceof ConfigError && /rules\.0\.allow\.0/.test(e.message) && /neverLeave/.test(e.message));
  assert.throws(() => loadPolicyYaml('version: 1\nfields:\n  - path: x\n    class: secret-sauce\n'), (e: Error) => e instanceof ConfigError && /fields\.0\.class/.test(e.message));
  assert.throws(() => loadPolicyYaml('version: 1\nrules:\n  - name: r\n    destination: c\n    jurisdictions: [Europe]\n'), (e: Error) => /rules\.0\.jurisdictions\.0/.test(e.message));
  assert.throws(() => loadPolicyYaml('version: [\n'), /invalid YAML/);
});

test('policy - examples/policy.yaml decides exactly as the built-in default', () => {
  const yaml = loadPolicyYaml(readFileSync(new URL('../../../examples/policy.yaml', import.meta.url), 'utf8'));
  for (const dest of [EU_CLOUD, { name: 'cloud-diagnosis', jurisdiction: 'US' }]) {
    assert.deepEqual(evaluatePolicy(yaml, sample, dest).decisions, evaluatePolicy(DEFAULT_POLICY, sample, dest).decisions);
  }
});

test('policy - wildcard paths: * within a segment, ** at any depth, {a,b} alternatives', () => {
  const m = (p: string, path: string[]) => pathMatches(splitPattern(p), path);
  assert.ok(m('evidence.features.*', ['evidence', 'features', 'accel.rmsMs2']));
  assert.ok(!m('evidence.features.*', ['evidence', 'features', 'a', 'b']));
  assert.ok(m('**.values', ['values']) && m('**.values', ['a', '0', 'values']));
  assert.ok(m('{a,b}.x', ['b', 'x']) && !m('{a,b}.x', ['c', 'x']));
  assert.ok(m('channels.*.values', ['channels', '3', 'values']));
  assert.equal(formatPath(['channels', '3', 'values']), 'channels[3].values');
});

test('policy - the enforcer counts and audits a removal and a block (without the removed values)', async () => {
  const entries: AuditEntry[] = [];
  const enf = createPolicyEnforcer({ policy: DEFAULT_POLICY, audit: { append: async (e) => void entries.push(e) }, actor: 'edge:site-a' });
  await enf.apply(sample, EU_CLOUD, `escalation:${String(sample.id)}`);
  await enf.apply(sample, { name: 'cloud-diagnosis', jurisdiction: 'US' }, 'escalation:x');
  assert.equal(enf.counters.get('policy.reduced'), 1);
  assert.equal(enf.counters.get('policy.blocked'), 1);
  assert.ok(enf.counters.get('policy.fields.removed') >= 8);
  assert.equal(entries.length, 2);
  assert.equal(entries[0]!.action, 'transfer.policy');
  assert.equal(entries[1]!.action, 'transfer.blocked');
  assert.equal(entries[1]!.outcome, 'refused');
  assert.ok(!JSON.stringify(entries).includes('PA66-GF30'), 'the audit names removed paths, not their values');
});

// Property: whatever the message, no field the policy classifies raw-signal or process-secret survives.
const KEYS = ['evidence', 'features', 'values', 'samples', 'recipe', 'setpoints', 'name', 'channel', 'channels', 'x', 'scalar.pressure_setpoint', 'vel.rmsMs', 'baseline', 'id', 'site', 'waveform', 'vib_de', 'flow_sp'];
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 8 }), fc.constantFrom('pressure_setpoint', 'vib_de', 'recipe_a'), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
}));

test('policy - property: nothing classified raw-signal or process-secret ever survives evaluation', () => {
  const policies: Policy[] = [
    DEFAULT_POLICY,
    parsePolicy({ version: 1, defaultClass: 'derived-feature', fields: [{ path: '**.x', class: 'raw-signal' }], channels: [{ channel: 'vib*', class: 'raw-signal' }], rules: [{ name: 'all', destination: '*', jurisdictions: ['EU'], allow: ['derived-feature', 'aggregate', 'identifier', 'metadata', 'unclassified'] }] }),
  ];
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...KEYS), jsonValue.value, { maxKeys: 6 }), fc.constantFrom(0, 1), (message, pi) => {
      const policy = policies[pi]!;
      const v = evaluatePolicy(policy, message, EU_CLOUD);
      const forbidden = (c: string) => c === 'raw-signal' || c === 'process-secret';
      for (const d of v.decisions) if (forbidden(d.class)) assert.equal(d.decision, 'stays', d.path);
      if (v.message === undefined) return;
      // Re-classify what is left: nothing forbidden may be in it.
      for (const l of classifyLeaves(policy, v.message)) assert.ok(!forbidden(l.cls), `${formatPath(l.segments)} survived as ${l.cls}`);
    }),
    { numRuns: 400 },
  );
});

test('policy - a primitive item of a mixed array is classified at the array\'s path, as a primitive array is (fast-check counterexample)', () => {
  const policy = parsePolicy({ version: 1, defaultClass: 'derived-feature', fields: [{ path: '**.x', class: 'raw-signal' }], channels: [{ channel: 'vib*', class: 'raw-signal' }], rules: [{ name: 'all', destination: '*', jurisdictions: ['EU'], allow: ['derived-feature', 'aggregate', 'identifier', 'metadata', 'unclassified'] }] });
  const mixed = evaluatePolicy(policy, { evidence: { x: [{ vib_de: 0 }, 0], y: 1 } }, EU_CLOUD);
  assert.deepEqual(mixed.decisions.filter((d) => d.path.startsWith('evidence.x')).map((d) => [d.path, d.class, d.decision]), [['evidence.x[0].vib_de', 'raw-signal', 'stays'], ['evidence.x[1]', 'raw-signal', 'stays']]);
  assert.deepEqual(mixed.message, { evidence: { y: 1 } });
  assert.deepEqual(evaluatePolicy(policy, { evidence: { x: [0], y: 1 } }, EU_CLOUD).message, { evidence: { y: 1 } }, 'the same item alone in its array');
});
