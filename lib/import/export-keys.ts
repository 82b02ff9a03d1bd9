/**
 * The keys of every item an export produces, with where each was first seen: the duplicate check
 * and `--prune` need them all at once, so they are kept compact. Each key is stored as 96 bits of
 * its MD5 (a false "duplicate" would need a collision among 2^96 values) plus a 32-bit location in
 * one open-addressing table of typed arrays: 16 bytes a slot, at most 70 % full, so 16–46 bytes an
 * item (about 25 on average) instead of ~180 for a Map of strings.
 */
import { hash } from 'node:crypto';

const WORDS = 4; // three hash words, then the location + 1 (0 marks an empty slot)
const MAX_LOAD = 0.7;

export class ExportKeys {
  private slots = new Uint32Array(1024 * WORDS);
  private capacity = 1024;
  size = 0;

  /** Records `key` at `where`; the earlier location when the key was already there. */
  add(key: string, where: number): number | undefined {
    const [a, b, c] = digest(key);
    const slot = this.find(a, b, c);
    const base = slot * WORDS;
    if (this.slots[base + 3] !== 0) {
      return this.slots[base + 3]! - 1;
    }
    this.slots.set([a, b, c, where + 1], base);
    if (++this.size > this.capacity * MAX_LOAD) this.grow();
    return undefined;
  }

  has(key: string): boolean {
    const [a, b, c] = digest(key);
    return this.slots[this.find(a, b, c) * WORDS + 3] !== 0;
  }

  /** The slot holding this hash, or the empty slot where it belongs (linear probing). */
  private find(a: number, b: number, c: number): number {
    const mask = this.capacity - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const base = slot * WORDS;
      if (this.slots[base + 3] === 0 || (this.slots[base] === a && this.slots[base + 1] === b && this.slots[base + 2] === c)) {
        return slot;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * WORDS);
    for (let base = 0; base < old.length; base += WORDS) {
      if (old[base + 3] !== 0) {
        this.slots.set(old.subarray(base, base + WORDS), this.find(old[base]!, old[base + 1]!, old[base + 2]!) * WORDS);
      }
    }
  }
}

function digest(key: string): [number, number, number] {
  const bytes = hash('md5', key, 'buffer');
  return [bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8)];
}
