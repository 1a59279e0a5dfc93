// edge-pdm <command>: the one entry point. Parses options, reads the environment, runs the
// command, and turns a named error into a clear message and exit code (2 for bad config).
import { parseArgs } from 'node:util';
import { ConfigError, EdgePdmError, createLogger } from '../core/index.ts';
import { readEnv } from './env.ts';
import { COMMANDS, usage } from './commands/index.ts';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`edge-pdm: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    process.stderr.write(`edge-pdm ${name}: ${(err as Error).message}\n\n${command.help}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  const logger = createLogger(`edge-pdm ${name}`);
  const env = readEnv();
  return command.run({ values, positionals, env, logger });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`edge-pdm: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof EdgePdmError) {
      process.stderr.write(`edge-pdm: ${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`edge-pdm: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
