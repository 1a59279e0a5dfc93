// The embedded site broker: aedes on a node:net server, so the edge runs with nothing installed
// and other processes (simulator, mosquitto_sub) can still connect over TCP.
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { ServiceUnavailableError } from '../core/errors.ts';

/** A running embedded MQTT broker. */
export interface EmbeddedBroker {
  /** `mqtt://host:port` to hand to MQTT clients. */
  url: string;
  port: number;
  /** Closes every client connection, the TCP server and the broker. */
  close(): Promise<void>;
}

/** Starts an aedes MQTT broker listening on `host:port` (port 0 picks a free port). */
export async function startEmbeddedBroker(cfg: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = cfg.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.port ?? 1883, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((r) => broker.close(() => r()));
    throw new ServiceUnavailableError('mqtt', `embedded broker cannot listen on ${host}:${cfg.port ?? 1883}`, { cause: err });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (cfg.port ?? 1883);
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((r) => server.close(() => r()));
        await new Promise<void>((r) => broker.close(() => r()));
        // aedes closes its clients; destroy any socket still open (e.g. mid-handshake) so
        // server.close() does not wait for it.
        for (const s of sockets) s.destroy();
        await serverClosed;
      })();
      return closing;
    },
  };
}
