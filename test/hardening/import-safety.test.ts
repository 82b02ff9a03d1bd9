/**
 * Import safety: a corrupted export is refused with `file:line` before anything is written (the
 * table stays empty), an interrupted import converges when re-run, and the real CLI behaves the
 * same as a child process (exit code, `file:line` on stderr, summary on stdout).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../lib/core/errors';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import type { Item } from '../../lib/dynamodb/items';
import { DEMO_FIXTURES, endpoint, freshTable, testClient } from '../support/dynamo';
import { canonicalItems, demoCopy, removeDir, runImportCli, scanTable, tempDir } from './support';

let client: DynamoDBDocumentClient;
/** The table a clean import of the demo export produces, as canonical item strings. */
let clean: string[];
const dirs: string[] = [];

beforeAll(async () => {
  client = testClient();
  const tableName = await freshTable(client, 'import-clean');
  await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES);
  clean = canonicalItems(await scanTable(client, tableName));
});

afterAll(async () => {
  client?.destroy();
  await Promise.all(dirs.map(removeDir));
});

async function corrupted(file: string, edit: (lines: string[]) => string[] | string): Promise<string> {
  const dir = await demoCopy('corrupt');
  dirs.push(dir);
  const path = join(dir, file);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const edited = edit(lines);
  await writeFile(path, typeof edited === 'string' ? edited : edited.join('\n'));
  return dir;
}

/** Replaces line `n` (1-based) of a file. */
const replaceLine = (n: number, text: (line: string) => string) => (lines: string[]) => lines.map((line, i) => (i === n - 1 ? text(line) : line));

const CORRUPTIONS: [string, string, (lines: string[]) => string[] | string, string][] = [
  ['a truncated line', 'rocketchat_message.json', replaceLine(5, (line) => line.slice(0, Math.floor(line.length / 2))), 'rocketchat_message.json:5'],
  ['a truncated last line (no newline)', 'rocketchat_message.json', (lines) => [...lines.slice(0, -2), lines.at(-2)!.slice(0, 40)], 'rocketchat_message.json:14'],
  ['a room whose type is a number', 'rocketchat_room.json', replaceLine(2, (line) => line.replace('"t":"p"', '"t":5')), 'rocketchat_room.json:2'],
  ['a subscription whose unread is a string', 'rocketchat_subscription.json', replaceLine(3, (line) => line.replace(/"unread":\d+/, '"unread":"5"')), 'rocketchat_subscription.json:3'],
  ['a user whose roles are a string', 'users.json', replaceLine(2, (line) => line.replace('"roles":["user"]', '"roles":"admin"')), 'users.json:2'],
  ['a message without rid', 'rocketchat_message.json', replaceLine(7, (line) => line.replace(/"rid":"[^"]*",/, '')), 'rocketchat_message.json:7'],
  ['a document without _id', 'rocketchat_message.json', replaceLine(9, (line) => line.replace(/"_id":"[^"]*",/, '')), 'rocketchat_message.json:9'],
  ['a duplicate message id', 'rocketchat_message.json', (lines) => [...lines.slice(0, -1), lines[0]!, ''], 'rocketchat_message.json:15'],
  ['a duplicate room id', 'rocketchat_room.json', (lines) => [lines[0]!, lines[0]!, ...lines.slice(1)], 'rocketchat_room.json:2'],
  ['a file that is not JSON', 'rocketchat_message.json', () => 'this is not an export\nat all\n', 'rocketchat_message.json:1'],
  ['a binary file', 'rocketchat_message.json', () => '\u0000\u0001\u0002PK\u0003\u0004garbage', 'rocketchat_message.json:1'],
  ['a JSON value that is not a document', 'rocketchat_message.json', replaceLine(3, () => '[1, 2, 3]'), 'rocketchat_message.json:3'],
  ['a --jsonArray export that is never closed', 'rocketchat_message.json', (lines) => `[\n${lines.filter(Boolean).join(',\n')}\n`, 'rocketchat_message.json:16'],
  ['a malformed $binary', 'rocketchat_message.json', replaceLine(4, (line) => line.replace('"urls":[]', '"urls":{"$binary":"AAAA"}')), 'rocketchat_message.json:4'],
  [
    'a malformed $regularExpression',
    'rocketchat_message.json',
    replaceLine(6, (line) => line.replace('"urls":[]', '"urls":{"$regularExpression":{"pattern":"a","options":"zz"}}')),
    'rocketchat_message.json:6',
  ],
  ['a malformed $timestamp', 'rocketchat_room.json', replaceLine(3, (line) => line.replace('"msgs":0', '"msgs":{"$timestamp":{"t":-1,"i":1}}')), 'rocketchat_room.json:3'],
  [
    'a NaN unread count (push.get reads it)',
    'rocketchat_subscription.json',
    replaceLine(3, (line) => line.replace(/"unread":\d+/, '"unread":{"$numberDouble":"NaN"}')),
    'rocketchat_subscription.json:3',
  ],
  ['an invalid $date', 'rocketchat_message.json', replaceLine(8, (line) => line.replace(/"ts":\{"\$date":"[^"]*"\}/, '"ts":{"$date":"not a date"}')), 'rocketchat_message.json:8'],
  ['an id too long for a DynamoDB key', 'rocketchat_message.json', replaceLine(10, (line) => line.replace(/"_id":"[^"]*"/, `"_id":"${'k'.repeat(3000)}"`)), 'rocketchat_message.json:10'],
];

describe('a corrupted export is refused before any write', () => {
  it.for(CORRUPTIONS)('%s → refused at %3$s… with nothing written', async ([, file, edit, where]) => {
    const dir = await corrupted(file, edit);
    const tableName = await freshTable(client, 'import-bad');
    const error = await importExport(new DynamoStore(client, { tableName }), dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).where).toBe(where);
    expect((error as ImportError).message.startsWith(`${where}: `)).toBe(true);
    expect(await scanTable(client, tableName)).toHaveLength(0);
  });

  it('a missing export directory or an empty one is refused without writing', async () => {
    const empty = await tempDir('empty');
    dirs.push(empty);
    for (const dir of [join(empty, 'nope'), empty]) {
      const tableName = await freshTable(client, 'import-none');
      await expect(importExport(new DynamoStore(client, { tableName }), dir)).rejects.toBeInstanceOf(ImportError);
      expect(await scanTable(client, tableName)).toHaveLength(0);
    }
  });
});

/** A store that dies in the middle of a write: after `batches` putItems calls, it writes half of the next one and throws. */
class CrashingStore extends DynamoStore {
  private calls = 0;
  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly batches: number,
  ) {
    super(db, { tableName });
  }
  override async putItems(items: Item[]): Promise<void> {
    if (this.calls++ < this.batches) {
      return super.putItems(items);
    }
    await super.putItems(items.slice(0, Math.floor(items.length / 2)));
    throw new Error('simulated crash during the import');
  }
}

describe('an interrupted import can be re-run to completion', () => {
  it.for([0, 2, 4])('killed during write batch %i, then re-run: the same table as a clean import', async (batches) => {
    const tableName = await freshTable(client, 'import-crash');
    await expect(importExport(new CrashingStore(client, tableName, batches), DEMO_FIXTURES)).rejects.toThrow('simulated crash');
    const partial = await scanTable(client, tableName);
    expect(partial.length).toBeLessThan(clean.length);
    await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES);
    expect(canonicalItems(await scanTable(client, tableName))).toStrictEqual(clean);
  });

  it('a prefix of the files first, then the whole export: the same table as a clean import', async () => {
    const prefix = await demoCopy('prefix');
    dirs.push(prefix);
    await Promise.all(['rocketchat_subscription.json', 'rocketchat_message.json'].map((file) => rm(join(prefix, file))));
    const tableName = await freshTable(client, 'import-prefix');
    await importExport(new DynamoStore(client, { tableName }), prefix);
    await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES);
    expect(canonicalItems(await scanTable(client, tableName))).toStrictEqual(clean);
  });

  it('importing the same export twice changes nothing', async () => {
    const tableName = await freshTable(client, 'import-twice');
    await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES);
    await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES);
    expect(canonicalItems(await scanTable(client, tableName))).toStrictEqual(clean);
  });
});

const runCli = (args: string[]) => runImportCli(args);

describe('the import CLI (node --import tsx scripts/import.ts)', () => {
  it('a bad export: exit 1, file:line on stderr, nothing on stdout, no table created', { timeout: 60_000 }, async () => {
    const dir = await corrupted(
      'rocketchat_message.json',
      replaceLine(5, (line) => line.slice(0, 30)),
    );
    const table = `cli-bad-${Date.now()}`;
    const { code, stdout, stderr } = await runCli([dir, '--endpoint', endpoint(), '--table', table]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^npm run import failed: rocketchat_message\.json:5: malformed JSON/m);
    expect(stdout).toBe('');
    // Not even created: the table is made only after the whole export checked out.
    await expect(scanTable(client, table)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('a good export: exit 0, a summary on stdout, the same table as a clean import', { timeout: 60_000 }, async () => {
    const table = `cli-good-${Date.now()}`;
    const { code, stdout, stderr } = await runCli([DEMO_FIXTURES, '--endpoint', endpoint(), '--table', table]);
    expect(stderr).not.toContain('import failed');
    expect(code).toBe(0);
    expect(stdout).toContain(`into ${table}`);
    expect(stdout).toMatch(/users: 7 documents/);
    expect(stdout).toMatch(/rocketchat_message: 14 documents/);
    expect(canonicalItems(await scanTable(client, table))).toStrictEqual(clean);
  });

  it('no arguments: the missing export named on stderr with a pointer to --help, exit 2', { timeout: 60_000 }, async () => {
    const { code, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stderr).toContain('<export-dir> is missing');
    expect(stderr).toContain('npm run import -- --help');
  });
});
