// One structured logger (pino) that writes to stderr, so stdout stays free for results (--json).
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; level from LOG_LEVEL (default `info`). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level }, pino.destination(2));
}

/** A logger that discards everything (tests, --quiet). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
