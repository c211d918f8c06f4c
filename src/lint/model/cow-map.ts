const BUCKETS = 64;
/** The empty bucket every new map starts with (never written: writes copy it). */
const EMPTY_BUCKET = new Map<string, unknown>();
const EMPTY: ReadonlyArray<Map<string, unknown>> = new Array<Map<string, unknown>>(BUCKETS).fill(EMPTY_BUCKET);

function hashOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) & (BUCKETS - 1);
}

/**
 * A string-keyed Map that clones in constant time: entries live in buckets, and a clone shares
 * them until one side writes to a bucket, which it then copies. The schema model clones itself
 * around every migration; this keeps that cheap on a long history. Iteration order is by bucket,
 * not by insertion.
 */
export class CowMap<V> implements Map<string, V> {
  private buckets: Array<Map<string, V>>;
  /** Buckets shared with a clone (bit i = bucket i). */
  private shared: boolean[];
  private count = 0;

  constructor(entries?: Iterable<readonly [string, V]>, from?: CowMap<V>) {
    if (from) {
      this.buckets = from.buckets.slice();
      this.shared = new Array<boolean>(BUCKETS).fill(true);
      this.count = from.count;
      return;
    }
    this.buckets = EMPTY.slice() as unknown as Array<Map<string, V>>;
    // Every bucket starts as the one shared empty map, copied on first write.
    this.shared = new Array<boolean>(BUCKETS).fill(true);
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /** A copy that shares every bucket with this map until either side writes. */
  clone(): CowMap<V> {
    const copy = new CowMap<V>(undefined, this);
    this.shared.fill(true);
    return copy;
  }

  /** Bucket i of both maps is the same object: no key in it differs. */
  sameBucket(other: CowMap<V>, i: number): boolean {
    return this.buckets[i] === other.buckets[i];
  }

  /** The keys of bucket i. */
  bucketKeys(i: number): IterableIterator<string> {
    return this.buckets[i]!.keys();
  }

  static readonly bucketCount = BUCKETS;

  private writable(key: string): Map<string, V> {
    const i = hashOf(key);
    if (this.shared[i]) {
      this.buckets[i] = new Map(this.buckets[i]);
      this.shared[i] = false;
    }
    return this.buckets[i]!;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    return this.buckets[hashOf(key)]!.get(key);
  }

  has(key: string): boolean {
    return this.buckets[hashOf(key)]!.has(key);
  }

  set(key: string, value: V): this {
    const bucket = this.writable(key);
    if (!bucket.has(key)) this.count++;
    bucket.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.writable(key).delete(key);
    this.count--;
    return true;
  }

  clear(): void {
    this.buckets = EMPTY.slice() as unknown as Array<Map<string, V>>;
    this.shared.fill(true);
    this.count = 0;
  }

  forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const bucket of this.buckets) for (const [k, v] of bucket) callback.call(thisArg, v, k, this);
  }

  // Arrays rather than generators: iteration is on the hot path of every rule that scans the schema.
  entries(): MapIterator<[string, V]> {
    const out: Array<[string, V]> = [];
    for (const bucket of this.buckets) for (const entry of bucket) out.push(entry);
    return out.values() as unknown as MapIterator<[string, V]>;
  }

  keys(): MapIterator<string> {
    const out: string[] = [];
    for (const bucket of this.buckets) for (const key of bucket.keys()) out.push(key);
    return out.values() as unknown as MapIterator<string>;
  }

  values(): MapIterator<V> {
    const out: V[] = [];
    for (const bucket of this.buckets) for (const value of bucket.values()) out.push(value);
    return out.values() as unknown as MapIterator<V>;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'CowMap';
  }
}
