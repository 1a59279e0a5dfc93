// `edge-pdm policy check`: explains, field by field, what of a sample message would leave a site
// for a destination under a data-classification policy, and why.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/index.ts';
import { DEFAULT_POLICY, evaluatePolicy, Jurisdiction, loadPolicyYaml, type Policy, type PolicyVerdict } from '../../sovereignty/index.ts';
import type { Command } from './command.ts';

export const policy: Command = {
  summary: 'explain which fields of a message a data-classification policy lets leave a site',
  help: `edge-pdm policy check --message SAMPLE.json [options]

Classifies every field of the message (raw-signal, process-secret, identifier, derived-feature,
aggregate, metadata, unclassified) and prints which would leave for the destination and by which
rule, and which stay. Raw signals and process secrets never leave; a destination no rule allows
gets nothing (the transfer is blocked).

  --policy FILE          policy YAML (default: the built-in policy, same as examples/policy.yaml)
  --message FILE         the sample message as JSON (e.g. examples/escalation.sample.json)
  --destination NAME     where it would go (default cloud-diagnosis)
  --jurisdiction J       where that destination is: EU or an ISO country code (default DE)
  --json                 print the verdict (decisions and the message as it would leave) as JSON

Exit code 0 when something may leave, 3 when the transfer is blocked.`,
  options: {
    policy: { type: 'string' },
    message: { type: 'string' },
    destination: { type: 'string' },
    jurisdiction: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const sub = positionals[0] ?? 'check';
    if (sub !== 'check') throw new ConfigError(`policy: unknown subcommand "${sub}" (only "check")`);
    const verdict = runPolicyCheck(values);
    if (values.json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    else process.stdout.write(formatVerdict(verdict));
    return verdict.outcome === 'blocked' ? 3 : 0;
  },
};

const read = (option: string, file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--${option}: cannot read "${file}": ${(err as Error).message}`, { cause: err });
  }
};

/** The command's body: loads policy and message, evaluates; throws ConfigError on bad input. */
export function runPolicyCheck(values: Record<string, string | boolean | undefined>): PolicyVerdict {
  const file = values.message as string | undefined;
  if (!file) throw new ConfigError('--message: required (a JSON file with the message to check)');
  let message: unknown;
  try {
    message = JSON.parse(read('message', file));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--message: "${file}" is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const policyFile = values.policy as string | undefined;
  const pol: Policy = policyFile ? loadPolicyYaml(read('policy', policyFile), policyFile) : DEFAULT_POLICY;
  const jurisdiction = (values.jurisdiction as string | undefined) ?? 'DE';
  if (!Jurisdiction.safeParse(jurisdiction).success) throw new ConfigError(`--jurisdiction: "${jurisdiction}" is not EU or an ISO 3166-1 alpha-2 code such as DE`);
  return evaluatePolicy(pol, message, { name: (values.destination as string | undefined) ?? 'cloud-diagnosis', jurisdiction });
}

/** The verdict as a table for people: what leaves, then what stays, with class and rule. */
export function formatVerdict(v: PolicyVerdict): string {
  const w = Math.max(4, ...v.decisions.map((d) => d.path.length));
  const cw = Math.max(5, ...v.decisions.map((d) => d.class.length));
  const lines = [`${v.outcome.toUpperCase()} for ${v.destination.name} in ${v.destination.jurisdiction}: ${v.reason}`, ''];
  for (const decision of ['leaves', 'stays'] as const) {
    const ds = v.decisions.filter((d) => d.decision === decision);
    if (!ds.length) continue;
    lines.push(`${decision === 'leaves' ? 'LEAVES' : 'STAYS '} (${ds.length})`);
    for (const d of ds) lines.push(`  ${d.path.padEnd(w)}  ${d.class.padEnd(cw)}  ${d.rule}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
