// The dead-letter channel: an invalid message is kept with its reason and counted, never thrown.
import { Counters } from './counters.ts';

export interface DeadLetter {
  /** Where it was rejected, e.g. `edge.decode` or `cloud.intake`. */
  stage: string;
  /** Why, in words a person can act on. */
  reason: string;
  /** The topic or subject it arrived on. */
  topic: string;
  /** The first bytes of the payload (at most 256), for inspection. */
  excerpt: string;
  /** Wall-clock time of rejection, epoch ms. */
  atMs: number;
}

/** Keeps the most recent dead letters in memory (bounded) and counts all of them. */
export class DeadLetterQueue {
  private readonly items: DeadLetter[] = [];
  constructor(
    readonly counters: Counters,
    private readonly capacity = 1000,
    private readonly onDead?: (d: DeadLetter) => void,
  ) {}

  /** Records a rejected message; counted as `deadletter.<stage>`. */
  add(stage: string, reason: string, topic: string, payload: Uint8Array | string): void {
    const bytes = typeof payload === 'string' ? payload : Buffer.from(payload.subarray(0, 256)).toString('latin1');
    const d: DeadLetter = { stage, reason, topic, excerpt: bytes.slice(0, 256), atMs: Date.now() };
    this.counters.inc(`deadletter.${stage}`);
    this.items.push(d);
    if (this.items.length > this.capacity) this.items.shift();
    this.onDead?.(d);
  }

  /** The most recent dead letters, oldest first. */
  list(): readonly DeadLetter[] {
    return this.items;
  }
}
