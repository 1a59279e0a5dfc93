// Named counters (Vector's FilterEventsDropped): every dropped or dead-lettered message is counted.

/** A set of monotonically increasing counters keyed by name (e.g. `deadletter.schema`). */
export class Counters {
  private readonly values = new Map<string, number>();

  /** Adds `by` (default 1) to the counter `name`. */
  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** The current value of `name` (0 if never incremented). */
  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** All counters as a plain object, sorted by name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
