import { describe, expect, it } from 'vitest';
import { ExportKeys } from '../../lib/import/export-keys';

describe('ExportKeys (the export key set of the duplicate check and --prune)', () => {
  it('records keys with where they were seen, and answers the first location of a repeated key', () => {
    const keys = new ExportKeys();
    expect(keys.add('MSG#a\u0000MSG', 7)).toBeUndefined();
    expect(keys.add('MSG#b\u0000MSG', 9)).toBeUndefined();
    expect(keys.add('MSG#a\u0000MSG', 12)).toBe(7);
    expect(keys.has('MSG#b\u0000MSG')).toBe(true);
    expect(keys.has('MSG#c\u0000MSG')).toBe(false);
    expect(keys.size).toBe(2);
  });

  it('keeps every key and location while it grows far past its first size', () => {
    const keys = new ExportKeys();
    const count = 50_000;
    for (let i = 0; i < count; i++) {
      expect(keys.add(`USER#u${i}\u0000TOKEN#${i}`, i * 3)).toBeUndefined();
    }
    expect(keys.size).toBe(count);
    for (let i = 0; i < count; i += 997) {
      expect(keys.add(`USER#u${i}\u0000TOKEN#${i}`, 0)).toBe(i * 3);
    }
    for (let i = count; i < count + 5000; i++) {
      expect(keys.has(`USER#u${i}\u0000TOKEN#${i}`)).toBe(false);
    }
  });

  it('keeps location 0 apart from an empty slot', () => {
    const keys = new ExportKeys();
    keys.add('k', 0);
    expect(keys.has('k')).toBe(true);
    expect(keys.add('k', 5)).toBe(0);
  });
});
