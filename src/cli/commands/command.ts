// The shape every command has: its options (node:util parseArgs), a help text and run().
import type { Logger } from '../../core/index.ts';
import type { Env } from '../env.ts';

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: Env;
  logger: Logger;
}

export interface Command {
  summary: string;
  help: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  /** Runs the command; resolves to the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** Resolves when SIGINT or SIGTERM arrives (Ctrl-C), so long-running commands can close cleanly. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Prints a line for people on stderr (stdout is kept for machine-readable output). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}
