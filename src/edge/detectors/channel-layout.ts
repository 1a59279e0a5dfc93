// The numeric fast path of the detectors: observations as Float64Array rows over a channel
// layout (channel name → position, append-only), so that scoring a row walks no object keys and
// allocates nothing. A row position holds NaN when the channel is absent from that observation and
// ±Infinity when it is present but not a finite number: every detector treats absent channels and
// non-numbers differently (an absent one is no evidence, a non-number is as far out as it gets),
// and every one treats NaN and ±∞ alike, so the two encodings keep the Record API's meaning.

/** Channel name → row position; positions never change, new channels are appended. */
export class ChannelLayout {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  // The keys of the last record and their positions: rows of one source share their key order,
  // so the Map is consulted only when a key differs.
  private lastKeys: string[] = [];
  private lastPos: number[] = [];

  /** Channels known so far. */
  get size(): number {
    return this.names.length;
  }

  /** Position of `name`, appending it when new. */
  add(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  /** Position of `name`, or −1 when unknown. */
  positionOf(name: string): number {
    return this.index.get(name) ?? -1;
  }

  /**
   * The row of `x` (NaN for absent channels, +∞ for NaN values), written into `into` when it has
   * the layout's size (after adding `x`'s new channels), else into a new array.
   */
  fromRecord(x: Readonly<Record<string, number>>, into?: Float64Array): Float64Array {
    const keys = this.lastKeys;
    const pos = this.lastPos;
    let j = 0;
    let same = true;
    for (const k in x) {
      if (same && keys[j] === k) {
        j++;
        continue;
      }
      if (same) {
        same = false;
        keys.length = j;
        pos.length = j;
      }
      keys.push(k);
      pos.push(this.add(k));
    }
    if (same && j < keys.length) {
      keys.length = j;
      pos.length = j;
    }
    const row = into && into.length === this.names.length ? into : new Float64Array(this.names.length);
    row.fill(NaN);
    for (let i = 0; i < keys.length; i++) {
      const v = x[keys[i]!]!;
      row[pos[i]!] = v === v ? v : Infinity;
    }
    return row;
  }

  /** The record of `row` (absent channels left out): for detectors that have no vector path. */
  toRecord(row: Float64Array): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < row.length && i < this.names.length; i++) if (!isAbsent(row[i]!)) out[this.names[i]!] = row[i]!;
    return out;
  }
}

/** True for a row position whose channel is absent from the observation (NaN). */
export const isAbsent = (v: number): boolean => v !== v;

/**
 * The record methods of a vector detector (`learnOne` / `scoreOne` of the contract, DESIGN.md)
 * over its vector path: each record is written into one reused row of `layout`.
 */
export function recordMethods(
  layout: ChannelLayout,
  learnVector: (row: Float64Array) => void,
  scoreVector: (row: Float64Array) => number,
): { learnOne(x: Readonly<Record<string, number>>): void; scoreOne(x: Readonly<Record<string, number>>): number } {
  let row: Float64Array | undefined;
  return {
    learnOne(x) {
      row = layout.fromRecord(x, row);
      learnVector(row);
    },
    scoreOne(x) {
      row = layout.fromRecord(x, row);
      return scoreVector(row);
    },
  };
}
