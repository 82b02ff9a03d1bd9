/** mongoexport-shaped files for tests: one `<collection>.json` per collection, one Extended JSON document a line. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Collection } from '../../lib/dynamodb/items';

export type Collections = Partial<Record<Collection, unknown[]>>;

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `push-get-${prefix}-`));
}

/** Writes the collections into `dir` (a string document is written as is) and returns `dir`. */
export async function writeExport(dir: string, collections: Collections): Promise<string> {
  for (const [collection, docs] of Object.entries(collections)) {
    await writeFile(join(dir, `${collection}.json`), docs!.map((doc) => (typeof doc === 'string' ? doc : JSON.stringify(doc))).join('\n') + '\n');
  }
  return dir;
}
