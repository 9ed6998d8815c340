/**
 * A fixed-capacity FIFO that overwrites its oldest item: O(1) append and index, no
 * shifting of a big array on every publish.
 */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private head = 0; // index of the oldest item
  private count = 0;

  constructor(private capacityValue: number) {
    this.items = new Array<T | undefined>(capacityValue);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.capacityValue;
  }

  push(item: T): void {
    const tail = (this.head + this.count) % this.capacityValue;
    this.items[tail] = item;
    if (this.count < this.capacityValue) this.count++;
    else this.head = (this.head + 1) % this.capacityValue;
  }

  /** The i-th item, oldest first. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.capacityValue];
  }

  /** Items from index `from` (oldest first), at most `max`. */
  slice(from: number, max: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, from); i < this.count && out.length < max; i++) out.push(this.at(i) as T);
    return out;
  }

  clear(): void {
    this.items = new Array<T | undefined>(this.capacityValue);
    this.head = 0;
    this.count = 0;
  }

  /** Change the capacity, keeping the newest items. */
  resize(capacity: number): void {
    if (capacity === this.capacityValue) return;
    const kept = this.slice(Math.max(0, this.count - capacity), capacity);
    this.capacityValue = capacity;
    this.clear();
    for (const item of kept) this.push(item);
  }
}
