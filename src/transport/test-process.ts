// Helpers for tests that start their own broker process (Mosquitto, nats-server) on a spare port
// with a generated configuration, and stop it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** The first of `paths` that exists, or undefined. */
export function findBinary(...paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/**
 * `false` when the binary exists (run the test), else a skip message; throws when
 * PDM_REQUIRE_SERVICES=1 so CI fails instead of skipping.
 */
export function needBinary(name: string, path: string | undefined): false | string {
  if (path) return false;
  const msg = `needs the ${name} binary (not found); install it to run this test`;
  if (process.env.PDM_REQUIRE_SERVICES === '1') throw new Error(`PDM_REQUIRE_SERVICES=1 but this test ${msg}`);
  return msg;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A started child process with its captured output. */
export interface ServiceProcess {
  proc: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 3 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => { s.destroy(); resolve(v); };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Spawns `bin args` and resolves once it accepts TCP connections on `port` (rejects with its output otherwise). */
export async function startService(bin: string, args: string[], port: number, timeoutMs = 10_000): Promise<ServiceProcess> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  const handle: ServiceProcess = {
    proc,
    output: () => out.join(''),
    async stop() {
      if (gone) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (gone || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${bin} did not listen on ${port}: ${handle.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return handle;
}
