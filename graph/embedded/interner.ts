/** String id <-> dense int, so the read indexes can use typed arrays. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  /** Dense int of `id`, or -1 when not interned. */
  get(id: string): number {
    return this.ids.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Dense int of `id`, interning it when new. */
  intern(id: string): number {
    let n = this.ids.get(id);
    if (n === undefined) {
      n = this.names.length;
      this.ids.set(id, n);
      this.names.push(id);
    }
    return n;
  }

  name(n: number): string {
    const s = this.names[n];
    if (s === undefined) throw new RangeError(`no interned id ${n}`);
    return s;
  }
}
