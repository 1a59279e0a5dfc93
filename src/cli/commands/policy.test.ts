import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, silentLogger } from '../../core/index.ts';
import { readEnv } from '../env.ts';
import { formatVerdict, policy, runPolicyCheck } from './policy.ts';

const SAMPLE = new URL('../../../examples/escalation.sample.json', import.meta.url).pathname;
const POLICY = new URL('../../../examples/policy.yaml', import.meta.url).pathname;

/** Runs the command and captures what it printed on stdout. */
async function capture(values: Record<string, string | boolean | undefined>, positionals = ['check']): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await policy.run({ values, positionals, env: readEnv({}), logger: silentLogger() });
    return { code, out };
  } finally {
    process.stdout.write = write;
  }
}

test('policy check - explains what of the sample escalation leaves and what stays, by rule', async () => {
  const { code, out } = await capture({ policy: POLICY, message: SAMPLE });
  assert.equal(code, 0);
  assert.match(out, /^REDUCED for cloud-diagnosis in DE/);
  assert.match(out, /LEAVES \(\d+\)\n(.|\n)*evidence\.features\.accel\.rmsMs2\s+derived-feature\s+features-to-eu-cloud/);
  assert.match(out, /STAYS +\(\d+\)\n(.|\n)*evidence\.rawWaveform\.values\s+raw-signal\s+neverLeave/);
  assert.match(out, /process\.recipe\.name\s+process-secret\s+neverLeave/);
  assert.match(out, /evidence\.features\.scalar\.pressure_setpoint\s+process-secret/);
});

test('policy check - --json gives the decisions and the message as it would leave; a blocked transfer exits 3', async () => {
  const { code, out } = await capture({ message: SAMPLE, destination: 'cloud-diagnosis', jurisdiction: 'US', json: true });
  assert.equal(code, 3);
  const v = JSON.parse(out);
  assert.equal(v.outcome, 'blocked');
  assert.ok(v.decisions.length > 20 && v.decisions.every((d: { decision: string }) => d.decision === 'stays'));
  const ok = runPolicyCheck({ message: SAMPLE });
  assert.equal(ok.outcome, 'reduced');
  assert.ok(!JSON.stringify(ok.message).includes('PA66'));
  assert.match(formatVerdict(ok), /LEAVES/);
});

test('policy check - bad input is a ConfigError naming the option or field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nrules:\n  - name: r\n    destination: x\n    jurisdictions: [EU]\n    allow: [process-secret]\n');
  writeFileSync(join(dir, 'bad.json'), '{ nope');
  const err = (values: Record<string, string>, re: RegExp) => assert.throws(() => runPolicyCheck(values), (e: Error) => e instanceof ConfigError && re.test(e.message));
  err({}, /--message: required/);
  err({ message: join(dir, 'missing.json') }, /--message: cannot read/);
  err({ message: join(dir, 'bad.json') }, /--message: .* is not JSON/);
  err({ message: SAMPLE, policy: join(dir, 'bad.yaml') }, /rules\.0\.allow\.0/);
  err({ message: SAMPLE, jurisdiction: 'Germany' }, /--jurisdiction/);
});
