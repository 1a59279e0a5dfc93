// A small TCP proxy of our own (node:net) for fault-injection tests, placed between a client
// (the edge, the cloud) and a service (NATS, MQTT). Knobs: added latency, dropping connections
// (FIN), resetting sockets (RST), blackholing (pause: bytes are held, nothing flows, like a dead
// route) and refusing (down: every connection is reset until up()). For NATS it can also parse
// the client's PUB/HPUB frames, to observe what a client published and to send chosen frames
// twice (a duplicating network or a publisher retry).
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Options of the proxy. */
export interface TcpProxyOptions {
  /** Upstream service. */
  targetHost?: string;
  targetPort: number;
  /** Listen port (0 = free port). */
  listenPort?: number;
  /** Parse the client→server stream as NATS protocol (enables onPublish and duplicate). */
  nats?: boolean;
  /** Called with the subject of every NATS PUB/HPUB a client sends (after duplication decisions). */
  onPublish?: (subject: string, payload: Buffer) => void;
  /** NATS frames whose subject this returns true for are forwarded twice. */
  duplicate?: (subject: string) => boolean;
}

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  readonly url: (scheme: string) => string;
  /** Connections currently open. */
  readonly connections: number;
  /** Frames forwarded twice so far. */
  readonly duplicated: number;
  /** Adds `ms` of delay to every chunk in both directions (0 = none). */
  setLatency(ms: number): void;
  /** Closes every open connection with FIN; new ones are accepted. */
  dropAll(): void;
  /** Resets every open connection (RST); new ones are accepted. */
  resetAll(): void;
  /** Blackhole: nothing flows in either direction (new connections hang) until resume(). */
  pause(): void;
  resume(): void;
  /** Resets every connection and every new one until up(): the service looks down. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

interface Pair { client: Socket; server: Socket; held: (() => void)[] }

/** Starts the proxy and resolves once it listens. */
export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  const host = opts.targetHost ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let latencyMs = 0;
  let paused = false;
  let isDown = false;
  let duplicated = 0;
  const heldConnections: (() => void)[] = [];

  /** Forwards a chunk honouring latency and pause; order is kept because timers of equal delay fire in order. */
  function forward(p: Pair, to: Socket, chunk: Buffer): void {
    const send = () => {
      if (paused) { p.held.push(send); return; }
      if (!to.destroyed) to.write(chunk);
    };
    if (latencyMs > 0) setTimeout(send, latencyMs);
    else send();
  }

  const server: Server = createServer((client) => {
    client.on('error', () => {});
    if (isDown) { client.resetAndDestroy(); return; }
    const open = () => {
      if (isDown) { client.resetAndDestroy(); return; }
      const upstream = connect({ host, port: opts.targetPort });
      const p: Pair = { client, server: upstream, held: [] };
      pairs.add(p);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => { client.destroy(); pairs.delete(p); });
      client.on('close', () => { upstream.destroy(); pairs.delete(p); });
      const parse = opts.nats ? natsFrames((frame, subject) => {
        opts.onPublish?.(subject ?? '', frame);
        forward(p, upstream, frame);
        if (subject !== undefined && opts.duplicate?.(subject)) { duplicated++; forward(p, upstream, frame); }
      }) : undefined;
      client.on('data', (d: Buffer) => (parse ? parse(d) : forward(p, upstream, d)));
      upstream.on('data', (d: Buffer) => forward(p, client, d));
    };
    if (paused) heldConnections.push(open);
    else open();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    get connections() { return pairs.size; },
    get duplicated() { return duplicated; },
    setLatency(ms) { latencyMs = ms; },
    dropAll() { for (const p of pairs) { p.client.end(); p.server.end(); } },
    resetAll() { for (const p of pairs) { p.client.resetAndDestroy(); p.server.destroy(); } },
    pause() { paused = true; },
    resume() {
      paused = false;
      for (const p of pairs) for (const f of p.held.splice(0)) f();
      for (const f of heldConnections.splice(0)) f();
    },
    down() {
      isDown = true;
      for (const p of pairs) { p.client.resetAndDestroy(); p.server.destroy(); }
      for (const f of heldConnections.splice(0)) f();
    },
    up() { isDown = false; },
    async close() {
      isDown = true;
      for (const p of pairs) { p.client.destroy(); p.server.destroy(); }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A streaming splitter of the NATS client protocol into whole frames: control lines end with
 * CRLF; PUB/HPUB carry a payload of the byte count given on their line plus CRLF
 * (https://docs.nats.io/reference/reference-protocols/nats-protocol). Each frame is handed on
 * with its subject for PUB/HPUB, so frames are never split or reordered.
 */
export function natsFrames(emit: (frame: Buffer, subject?: string) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const line = buf.subarray(0, eol).toString('latin1');
      const parts = line.trim().split(/\s+/);
      const op = parts[0]?.toUpperCase();
      if (op === 'PUB' || op === 'HPUB') {
        const total = Number(parts[parts.length - 1]);
        const end = eol + 2 + total + 2;
        if (buf.length < end) return;
        emit(Buffer.from(buf.subarray(0, end)), parts[1]);
        buf = buf.subarray(end);
      } else {
        emit(Buffer.from(buf.subarray(0, eol + 2)));
        buf = buf.subarray(eol + 2);
      }
    }
  };
}
