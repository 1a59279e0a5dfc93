// Child processes of the CLI for end-to-end tests: start, wait for printed lines, kill, stop,
// and a registry so every process a test started is killed in its `finally`, even on failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The CLI entry point (runs the TypeScript sources through tsx). */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edge-pdm.js');

/** A running (or exited) child with its captured output. */
export interface Child {
  name: string;
  proc: ChildProcess;
  out: string[];
  err: string[];
  /** Resolves with the exit code (or the signal name) when the process exits. */
  exited: Promise<number | string>;
}

/** Starts `edge-pdm <args>` with `env` added to this process's environment. */
export function startCli(name: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Child {
  return startProcess(name, process.execPath, [...nodeArgs, BIN, ...args], { ...process.env, LOG_LEVEL: 'warn', ...env });
}

/** Starts any program, capturing its stdout and stderr. */
export function startProcess(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { name, proc, out: [], err: [], exited: new Promise((resolve) => proc.once('exit', (code, sig) => resolve(code ?? sig ?? -1))) };
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => c.out.push(d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => c.err.push(d));
  proc.once('error', (e) => c.err.push(`spawn error: ${e.message}`));
  return c;
}

/** The rest of the first stdout line starting with `prefix`, if printed yet. */
export function printed(c: Child, prefix: string): string | undefined {
  const line = c.out.join('').split('\n').find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** Polls `fn` every 200 ms until it returns a value; fails early when a watched child exits non-zero. */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, watch: Child[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    for (const c of watch) {
      if (c.proc.exitCode !== null && c.proc.exitCode !== 0) throw new Error(`${c.name} exited ${c.proc.exitCode}: ${c.err.join('').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${watch.map((c) => `--- ${c.name}\n${c.out.join('').slice(-1500)}${c.err.join('').slice(-1500)}`).join('\n')}`);
}

/** SIGKILL, and wait until the process is gone. */
export async function kill(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGKILL');
  await c.exited;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
export async function stop(c: Child, graceMs = 15_000): Promise<number | string> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return c.exited;
  const t = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
  c.proc.kill('SIGTERM');
  const code = await c.exited;
  clearTimeout(t);
  return code;
}

/** Every child a test started, so `killAll()` in a `finally` leaves nothing running. */
export class ProcessGroup {
  readonly children: Child[] = [];
  /** Starts an edge-pdm command and remembers it. */
  cli(name: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Child {
    const c = startCli(name, args, env, nodeArgs);
    this.children.push(c);
    return c;
  }
  /** Starts a program and remembers it. */
  spawn(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Child {
    const c = startProcess(name, cmd, args, env);
    this.children.push(c);
    return c;
  }
  /** Kills (SIGKILL) whatever is still running. */
  async killAll(): Promise<void> {
    await Promise.all(this.children.map((c) => kill(c)));
  }
}
