// When the dashboard first saw each stage of an incident (wall clock). The cloud records when an
// escalation arrived and when its decision was committed, but not when it was diagnosed; the
// dashboard hears the diagnosis event the moment the cloud publishes it, so its own stamp is the
// wall-clock time of that step (within the bus's delivery, microseconds in process).
import type { DashboardSource, DashboardEvent } from '../core/index.ts';

/** Incidents remembered at most; the oldest is forgotten beyond (its timeline then shows "—"). */
export const MAX_STAMPED_INCIDENTS = 10_000;

/** First-seen wall times of one incident's stages, epoch ms. */
export interface SeenStamps {
  escalation?: number;
  diagnosis?: number;
  decision?: number;
}

/** First-seen stamps per incident, fed by the source's events. */
export class IncidentStamps {
  private readonly seen = new Map<string, SeenStamps>();
  private readonly unsubscribe: () => void;

  constructor(source: DashboardSource, private readonly now: () => number = Date.now, private readonly max = MAX_STAMPED_INCIDENTS) {
    this.unsubscribe = source.subscribe((e) => this.record(e));
  }

  /** Stamps an event's stage unless it was seen before (a redelivery keeps the first time). */
  record(e: DashboardEvent): void {
    if (e.type === 'status') return;
    const id = e.incident.escalation.id;
    let s = this.seen.get(id);
    if (!s) {
      if (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(id, (s = {}));
    }
    // A diagnosis event is sent once the diagnosis exists; a decision event carries it too.
    if (e.type === 'diagnosis' || (e.type === 'decision' && e.incident.diagnosis)) s.diagnosis ??= this.now();
    if (e.type === 'decision') s.decision ??= this.now();
    if (e.type === 'escalation') s.escalation ??= this.now();
  }

  /** The stamps of incident `id` (empty when never seen live by this dashboard). */
  get(id: string): SeenStamps {
    return { ...this.seen.get(id) };
  }

  /** Stops listening. */
  close(): void {
    this.unsubscribe();
  }
}
