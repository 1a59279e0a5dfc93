// Small helpers for command-line options: typed numbers and durations with clear errors.
import { ConfigError, parseDuration } from '../core/index.ts';

/** Parses a positive number option, or throws ConfigError naming the option. */
export function numberOption(name: string, value: string | undefined, fallback: number, opts: { min?: number; integer?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < (opts.min ?? 0)) {
    throw new ConfigError(`--${name}: "${value}" is not ${opts.integer ? 'an integer' : 'a number'} ≥ ${opts.min ?? 0}`);
  }
  return n;
}

/** Parses a duration option (60s, 48h, ...), or throws ConfigError naming the option. */
export function durationOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const r = parseDuration(value);
  if (!r.ok) throw new ConfigError(`--${name}: ${r.reason}`);
  return r.value;
}
