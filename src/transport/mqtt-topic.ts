// MQTT topic-filter matching, per MQTT 3.1.1 §4.7 (same rules in MQTT 5 §4.7).

/**
 * True when the MQTT `filter` (may contain `+` and `#`) matches the concrete `topic`.
 * §4.7.1.2: `#` matches the parent level and any number of child levels ("a/#" matches "a").
 * §4.7.1.3: `+` matches exactly one level, which may be empty.
 * §4.7.2: a filter starting with a wildcard does not match topics starting with `$`.
 */
export function mqttTopicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1; // '#' is only valid as the last level
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when `filter` is a syntactically valid MQTT topic filter (§4.7.1, §4.7.3). */
export function isValidMqttFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((l, i) => {
    if (l === '#') return i === levels.length - 1;
    if (l === '+') return true;
    return !l.includes('#') && !l.includes('+');
  });
}

/** True when `topic` is a valid MQTT topic name to publish to (no wildcards, not empty; §4.7.3). */
export function isValidMqttTopic(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#') && !topic.includes('\u0000');
}
