// A bounded, uniform sample of one machine type's healthy rows: reservoir sampling (Vitter,
// "Random sampling with a reservoir", ACM TOMS 1985, algorithm R). Every row seen so far has the
// same chance capacity/seen of being in the sample, so a long-running fleet trains on all of its
// history without the memory growing with it.
import { mulberry32 } from '../../core/prng.ts';
import type { HealthyRow } from './edge-model.ts';

export class RowReservoir {
  private readonly rows: HealthyRow[] = [];
  private readonly perMachine = new Map<string, number>();
  private readonly rnd: () => number;
  /** Rows offered so far (kept or not). */
  seen = 0;

  constructor(readonly capacity: number, seed = 1) {
    this.rnd = mulberry32(seed);
  }

  /** Offers one row; returns whether it was kept. */
  add(row: HealthyRow): boolean {
    this.seen++;
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
      this.count(row.machine, 1);
      return true;
    }
    const j = Math.floor(this.rnd() * this.seen);
    if (j >= this.capacity) return false;
    this.count(this.rows[j]!.machine, -1);
    this.rows[j] = row;
    this.count(row.machine, 1);
    return true;
  }

  /** Rows held. */
  get size(): number {
    return this.rows.length;
  }

  /** Distinct machines among the rows held. */
  get machines(): number {
    return this.perMachine.size;
  }

  /** A copy of the rows held (for a training job). */
  snapshot(): HealthyRow[] {
    return this.rows.slice();
  }

  private count(machine: string, d: number): void {
    const n = (this.perMachine.get(machine) ?? 0) + d;
    if (n <= 0) this.perMachine.delete(machine);
    else this.perMachine.set(machine, n);
  }
}
