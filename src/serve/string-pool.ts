// `serve` keeps every claim, volume, pod and set for as long as it runs, and
// their strings repeat: 10,000 claims say "ReadWriteOnce", "Bound", their
// class and their finalizer 10,000 times each. JSON.parse makes a new copy of
// every string value (V8 shares only property names and very short values), so
// these copies were about half of the strings the stores held. The pool hands
// out one copy of each value (subtree-pool.ts asks it for each string it keeps).
//
// It must not itself grow with churn (every change brings new values): it
// keeps two generations, and a value not seen for two of them is forgotten;
// objects that hold it keep it, nothing else does.

export class StringPool {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  /**
   * @param generationSize values per generation: the pool holds at most twice as many
   * @param maxLength longer values are left alone (annotations holding documents rarely repeat)
   */
  constructor(
    private readonly generationSize = 50_000,
    private readonly maxLength = 256,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  has(value: string): boolean {
    return this.current.has(value) || this.previous.has(value);
  }

  /** The pool's copy of the value (the value itself the first time it is seen). */
  intern(value: string): string {
    if (value.length > this.maxLength) return value;
    const known = this.current.get(value);
    if (known !== undefined) return known;
    const older = this.previous.get(value);
    const kept = older ?? value;
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(kept, kept);
    return kept;
  }
}
