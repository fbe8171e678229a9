/**
 * Increasing, disjoint ranges (lo, hi] of row ids this process wrote itself, so the store tail
 * (./tail.ts) skips them. Ranges arrive in commit order (each above the previous one); adjacent
 * ones merge, so a single writer holds one range however many batches it commits.
 */
export interface RowRanges {
  /** Remember rows (lo, hi]; `lo` must be at least the previous range's `hi`. Empty ranges are ignored. */
  add(lo: number, hi: number): void;
  /** Whether `id` lies in a remembered range. Ids must be asked in increasing order: ranges below `id` are dropped. */
  covers(id: number): boolean;
  /** The highest remembered id (0 when none). */
  top(): number;
  /** Forget every range. */
  clear(): void;
  /** Ranges held (for tests and status). */
  readonly size: number;
}

export function createRowRanges(): RowRanges {
  let los: number[] = [];
  let his: number[] = [];
  let head = 0;
  const compact = (): void => {
    if (head > 64 && head * 2 > los.length) {
      los = los.slice(head);
      his = his.slice(head);
      head = 0;
    }
  };
  return {
    add(lo, hi) {
      if (!(hi > lo)) return;
      const last = his.length - 1;
      if (last >= head && lo < (his[last] as number)) throw new RangeError(`row range (${lo}, ${hi}] starts below the previous one`);
      if (last >= head && lo === his[last]) his[last] = hi;
      else {
        los.push(lo);
        his.push(hi);
      }
    },
    covers(id) {
      while (head < los.length && (his[head] as number) < id) head++;
      compact();
      return head < los.length && (los[head] as number) < id && id <= (his[head] as number);
    },
    top() {
      return his.length > head ? (his[his.length - 1] as number) : 0;
    },
    clear() {
      los = [];
      his = [];
      head = 0;
    },
    get size() {
      return los.length - head;
    },
  };
}
