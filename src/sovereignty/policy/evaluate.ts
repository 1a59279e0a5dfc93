// Applies the policy to one message for one destination: classifies every leaf field, removes
// what may not leave, and says why for each (the explanation `policy check` prints). Pure: the
// counting and auditing wrapper is enforcer.ts.
import { withinJurisdiction } from '../jurisdiction.ts';
import { CLASS_STRICTNESS, type DataClass, type Destination, type Policy } from './schema.ts';
import { formatPath, globMatch, pathMatches, splitPattern, type PathSegments } from './paths.ts';

/** What the policy decided for one field. */
export interface FieldDecision {
  path: string;
  class: DataClass;
  decision: 'leaves' | 'stays';
  /** The rule that decided: a transfer rule's name, `neverLeave`, or why none applied. */
  rule: string;
}

/** The outcome of evaluating a message: `allowed` whole, `reduced` (fields removed) or `blocked`. */
export interface PolicyVerdict<T = unknown> {
  outcome: 'allowed' | 'reduced' | 'blocked';
  /** The message as it may leave (forbidden fields removed); undefined when blocked. */
  message: T | undefined;
  decisions: FieldDecision[];
  destination: Destination;
  /** The transfer rule that matched the destination, or null. */
  rule: string | null;
  /** One sentence for people. */
  reason: string;
}

interface Leaf {
  segments: string[];
  cls: DataClass;
}

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';

/** Finds the class of each leaf: first matching field rule, made stricter by any channel it names. */
export function classifyLeaves(policy: Policy, message: unknown): Leaf[] {
  const fieldPatterns = policy.fields.map((f) => ({ segs: splitPattern(f.path), cls: f.class }));
  const channelClass = (name: string): DataClass | undefined => policy.channels.find((c) => globMatch(c.channel, name))?.class;
  const stricter = (a: DataClass, b: DataClass | undefined) => (b !== undefined && CLASS_STRICTNESS[b] > CLASS_STRICTNESS[a] ? b : a);
  const leaves: Leaf[] = [];

  // `matchAt`: the path the field rules are matched against. A primitive item of an array is
  // classified at the array's own path, as a primitive array is as a whole: otherwise an array's
  // items would change class with its other contents (`x: [{…}, 0]` against `x: [0]` under `**.x`).
  const visit = (value: unknown, segments: string[], inherited: DataClass | undefined, matchAt = segments) => {
    if (isPrimitive(value) || (Array.isArray(value) && value.every(isPrimitive))) {
      let cls = fieldPatterns.find((f) => pathMatches(f.segs, matchAt))?.cls ?? policy.defaultClass;
      cls = stricter(cls, inherited);
      // A field that names a channel (features["scalar.pressure_setpoint"]) carries that channel's class.
      for (const seg of segments) for (const token of seg.split('.')) cls = stricter(cls, channelClass(token));
      leaves.push({ segments, cls });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...segments, String(i)], inherited, isPrimitive(v) ? segments : [...segments, String(i)]));
      return;
    }
    const obj = value as Record<string, unknown>;
    // An object describing a channel ({ name: 'vib_de', values: [...] }) carries the channel's class.
    let here = inherited;
    for (const key of ['name', 'channel'] as const) {
      if (typeof obj[key] === 'string') here = here === undefined ? channelClass(obj[key]) : stricter(here, channelClass(obj[key]));
    }
    for (const [k, v] of Object.entries(obj)) visit(v, [...segments, k], here);
  };
  visit(message, [], undefined);
  return leaves;
}

/** The first transfer rule for the destination's name and jurisdiction, if any. */
export function matchTransferRule(policy: Policy, destination: Destination) {
  return policy.rules.find((r) => globMatch(r.destination, destination.name) && r.jurisdictions.some((j) => withinJurisdiction(destination.jurisdiction, j)));
}

/**
 * Copies `value` without the removed leaves. A container emptied by removals goes too (so no
 * `{}` is left where a secret was); array items are dropped, not nulled, and containers that were
 * empty in the input stay as they were.
 */
function without(value: unknown, path: string[], removed: Set<string>): { keep: boolean; value?: unknown } {
  if (removed.has(path.join('\u0000'))) return { keep: false };
  if (isPrimitive(value) || (Array.isArray(value) && value.every(isPrimitive))) return { keep: true, value };
  let dropped = false;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((v, i) => {
      const r = without(v, [...path, String(i)], removed);
      if (r.keep) out.push(r.value);
      else dropped = true;
    });
    return dropped && out.length === 0 ? { keep: false } : { keep: true, value: out };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const r = without(v, [...path, k], removed);
    if (r.keep) out[k] = r.value;
    else dropped = true;
  }
  return dropped && Object.keys(out).length === 0 ? { keep: false } : { keep: true, value: out };
}

/** Evaluates `message` for `destination`: which fields leave, which stay and why. Never throws. */
export function evaluatePolicy<T>(policy: Policy, message: T, destination: Destination): PolicyVerdict<T> {
  const leaves = classifyLeaves(policy, message);
  const rule = matchTransferRule(policy, destination);
  const where = `${destination.name} in ${destination.jurisdiction}`;
  if (!rule) {
    const why = `no transfer rule allows ${where}`;
    return {
      outcome: 'blocked',
      message: undefined,
      decisions: leaves.map((l) => ({ path: formatPath(l.segments), class: l.cls, decision: 'stays', rule: why })),
      destination,
      rule: null,
      reason: `blocked: ${why}`,
    };
  }
  const decisions: FieldDecision[] = [];
  const removed: Leaf[] = [];
  for (const l of leaves) {
    const path = formatPath(l.segments);
    if (policy.neverLeave.includes(l.cls)) {
      decisions.push({ path, class: l.cls, decision: 'stays', rule: 'neverLeave' });
      removed.push(l);
    } else if (rule.allow.includes(l.cls)) {
      decisions.push({ path, class: l.cls, decision: 'leaves', rule: rule.name });
    } else {
      decisions.push({ path, class: l.cls, decision: 'stays', rule: `${rule.name} (does not allow ${l.cls})` });
      removed.push(l);
    }
  }
  const leaving = decisions.length - removed.length;
  if (leaving === 0) {
    return { outcome: 'blocked', message: undefined, decisions, destination, rule: rule.name, reason: `blocked: rule ${rule.name} lets no field of this message leave for ${where}` };
  }
  if (removed.length === 0) {
    return { outcome: 'allowed', message, decisions, destination, rule: rule.name, reason: `allowed whole by rule ${rule.name} for ${where}` };
  }
  const copy = without(message, [], new Set(removed.map((l) => l.segments.join('\u0000')))).value as T;
  return {
    outcome: 'reduced',
    message: copy,
    decisions,
    destination,
    rule: rule.name,
    reason: `${removed.length} of ${decisions.length} field(s) removed, ${leaving} leave for ${where} by rule ${rule.name}`,
  };
}
