// Wildcard paths for the policy: a pattern is segments joined by "."; within a segment `*` matches
// any characters (so `evidence.features.*` matches the key "accel.rmsMs2"), `?` one character and
// `{a,b}` either word; a segment `**` matches any number of segments, none included.

/** A path into a message as segments (object keys, array indices as decimal strings). */
export type PathSegments = readonly string[];

const cache = new Map<string, RegExp>();

/** Compiles one segment's glob to an anchored regular expression. */
function segmentRegex(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) src += '\\{';
      else {
        src += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else src += escape(ch);
  }
  re = new RegExp(`^${src}$`, 's');
  cache.set(glob, re);
  return re;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when the glob `glob` matches the whole string `s`. */
export function globMatch(glob: string, s: string): boolean {
  return segmentRegex(glob).test(s);
}

/** Splits a pattern into segments (on "." outside braces). */
export function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of pattern) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** True when `pattern` (already split) matches the whole path. */
export function pathMatches(pattern: readonly string[], path: PathSegments, pi = 0, si = 0): boolean {
  if (pi === pattern.length) return si === path.length;
  const p = pattern[pi]!;
  if (p === '**') {
    for (let k = si; k <= path.length; k++) if (pathMatches(pattern, path, pi + 1, k)) return true;
    return false;
  }
  if (si === path.length) return false;
  return globMatch(p, path[si]!) && pathMatches(pattern, path, pi + 1, si + 1);
}

/** A path for people: segments joined by "." (array indices in brackets). */
export function formatPath(path: PathSegments): string {
  let s = '';
  for (const seg of path) s += /^\d+$/.test(seg) ? `[${seg}]` : s.length ? `.${seg}` : seg;
  return s || '(root)';
}
