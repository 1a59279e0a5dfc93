// Durations as people type them on the command line and in YAML: 60s, 5m, 48h, 7d, 250ms.
import { fail, ok, type Result } from './result.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `<number><unit>` (ms, s, m, h, d) into milliseconds. */
export function parseDuration(text: string): Result<number> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return fail(`"${text}" is not a duration like 250ms, 60s, 5m, 48h or 7d`);
  return ok(Number(m[1]) * UNIT_MS[m[2]!]!);
}
