/**
 * Top-k selection with a bounded binary heap: O(n log k) instead of sorting n.
 * `before(a, b)` is true when candidate a ranks ahead of b (a strict order).
 */
export function selectTop(n: number, k: number, include: (i: number) => boolean, before: (a: number, b: number) => boolean): number[] {
  if (k <= 0) return [];
  // Min-heap by rank: heap[0] is the worst kept candidate.
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => before(b, a);
  const siftUp = (pos: number): void => {
    const x = heap[pos] as number;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent] as number;
      if (!worse(x, p)) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = x;
  };
  const siftDown = (pos: number): void => {
    const x = heap[pos] as number;
    const len = heap.length;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= len) break;
      const r = l + 1;
      let c = l;
      if (r < len && worse(heap[r] as number, heap[l] as number)) c = r;
      const cv = heap[c] as number;
      if (!worse(cv, x)) break;
      heap[pos] = cv;
      pos = c;
    }
    heap[pos] = x;
  };
  for (let i = 0; i < n; i++) {
    if (!include(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (before(i, heap[0] as number)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
