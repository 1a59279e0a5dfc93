// Server-Sent Events (WHATWG HTML, "Server-sent events"): one long response per browser, each
// update written as `event: <type>` + `data: <json>`. A new connection first gets the whole state,
// so a browser that reconnects after a drop needs nothing else to catch up.
import type { ServerResponse } from 'node:http';
import type { DashboardEvent, DashboardSource } from '../core/index.ts';

/**
 * A client that lets this much output pile up unread is dropped: it reconnects and gets a fresh
 * snapshot, instead of us buffering without bound for a stalled laptop (1 MiB).
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Browser's reconnect delay after a drop, sent as the stream's `retry:` field (ms). */
export const RETRY_MS = 2000;

/** Formats one SSE frame; JSON has no raw newlines, so `data` is one line. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The open event streams, so they can be pinged and ended together. */
export class SseHub {
  private readonly clients = new Set<{ res: ServerResponse; unsubscribe: () => void }>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  dropped = 0;

  constructor(private readonly source: DashboardSource, heartbeatMs: number) {
    // A comment line now and then keeps proxies and idle timeouts from cutting a quiet stream.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Takes over `res` as an event stream until the client leaves or close() is called. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    res.write(sseFrame('snapshot', this.source.snapshot()));
    const client = {
      res,
      unsubscribe: this.source.subscribe((e: DashboardEvent) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          this.dropped++;
          this.end(client);
          return;
        }
        res.write(sseFrame(e.type, e));
      }),
    };
    this.clients.add(client);
    res.on('close', () => this.end(client));
  }

  /** Ends every stream (the server can then close) and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of [...this.clients]) this.end(c);
  }

  private end(c: { res: ServerResponse; unsubscribe: () => void }): void {
    if (!this.clients.delete(c)) return;
    c.unsubscribe();
    c.res.end();
  }
}
