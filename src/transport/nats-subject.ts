// NATS subject matching: tokens separated by '.', `*` matches one token, `>` one or more trailing
// tokens (NATS docs, "Subject-Based Messaging: Wildcards").

/** True when the NATS subject `filter` (may contain `*` and `>`) matches the concrete `subject`. */
export function natsSubjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const tok = f[i];
    // '>' must be last and needs at least one remaining token ("a.>" does not match "a").
    if (tok === '>') return i === f.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (tok !== '*' && tok !== s[i]) return false;
  }
  return f.length === s.length;
}

/** True when `subject` is a valid concrete NATS subject to publish to (non-empty tokens, no wildcards). */
export function isValidNatsSubject(subject: string): boolean {
  if (subject.length === 0 || /\s/.test(subject)) return false;
  return subject.split('.').every((t) => t.length > 0 && t !== '*' && t !== '>');
}
