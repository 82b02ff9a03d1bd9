/**
 * The import into a real DynamoDB: formats, summary, idempotency; and one imported document then
 * changed or deleted by change events through the relay's apply path (tombstones, not deletes).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashLoginToken } from '../../lib/auth';
import { ImportError } from '../../lib/errors';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { keys, TOMBSTONE_ATTRIBUTE } from '../../lib/store/keys';
import { ChangeApplier, type ApplyKind } from '../../lib/sync/apply';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { ChangeLog } from '../../testkit/change-events';
import { DEMO_FIXTURES, freshTable, testClient } from '../support/dynamo';
import { tempDir, writeExport, type Collections } from '../support/exports';

let client: DynamoDBDocumentClient;

beforeAll(() => {
  client = testClient();
});

async function scan(tableName: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  return Items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

async function exportDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'push-get-export-'));
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));
  return dir;
}

async function storeFor(prefix: string): Promise<{ tableName: string; store: DynamoStore }> {
  const tableName = await freshTable(client, prefix);
  return { tableName, store: new DynamoStore(client, { tableName, configCacheMs: 0 }) };
}

describe('importing the demo export', () => {
  it('reports documents per collection and items per entity', async () => {
    const { store } = await storeFor('import-demo');
    const summary = await importExport(store, DEMO_FIXTURES);
    expect(summary.items).toStrictEqual({ setting: 8, permission: 2, user: 7, token: 7, room: 9, team: 1, subscription: 13, message: 14 });
    expect(summary.documents.rocketchat_settings).toStrictEqual({ read: 9, skipped: 1 });
    expect(summary.documents.rocketchat_permissions).toStrictEqual({ read: 3, skipped: 1 });
    expect(summary.warnings).toStrictEqual([]);
  });

  it('is idempotent: a second run leaves the same items', async () => {
    const { tableName, store } = await storeFor('import-twice');
    await importExport(store, DEMO_FIXTURES);
    // The configuration stamp is new on every run by design (running handlers re-read settings); everything else is the same.
    const withoutStamp = (items: Record<string, unknown>[]) => items.map(({ stamp: _stamp, ...item }) => item);
    const first = await scan(tableName);
    await importExport(store, DEMO_FIXTURES);
    const second = await scan(tableName);
    expect(withoutStamp(second)).toStrictEqual(withoutStamp(first));
    const stampOf = (items: Record<string, unknown>[]) => items.find((item) => item.pk === 'CONFIG')?.stamp;
    expect(stampOf(second)).not.toBe(stampOf(first));
  });

  it('stores hashed login tokens only', async () => {
    const { tableName, store } = await storeFor('import-hashes');
    await importExport(store, DEMO_FIXTURES);
    const text = JSON.stringify(await scan(tableName));
    expect(text).not.toContain('Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92');
    expect(text).toContain(hashLoginToken('Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92'));
  });

  it('reports progress per collection', async () => {
    const { store } = await storeFor('import-progress');
    const seen: string[] = [];
    await importExport(store, DEMO_FIXTURES, { onProgress: (collection, written, total) => seen.push(`${collection} ${written}/${total}`) });
    expect(seen).toContain('rocketchat_message 14/14');
    expect(seen).toContain('users 7/7');
  });
});

describe('export formats', () => {
  const message = (id: string) => ({ _id: id, rid: 'r1', msg: 'hi', ts: { $date: '2024-01-02T03:04:05.006Z' }, u: { _id: 'u1', username: 'u' } });

  it('reads a --jsonArray export, pretty-printed, with canonical Extended JSON', async () => {
    const canonical = {
      _id: 'm1',
      rid: 'r1',
      msg: 'canonical',
      ts: { $date: { $numberLong: '1704164645006' } },
      u: { _id: 'u1', username: 'u' },
      count: { $numberInt: '3' },
    };
    const dir = await exportDir({ 'rocketchat_message.json': JSON.stringify([canonical, message('m2')], null, 2) });
    const { store } = await storeFor('import-array');
    await importExport(store, dir);
    const stored = await store.message('m1');
    expect(stored?.document).toStrictEqual({ ...canonical, ts: '2024-01-02T03:04:05.006Z', count: 3 });
    expect((await store.message('m2'))?.document.ts).toBe('2024-01-02T03:04:05.006Z');
  });

  it('accepts any collection file being absent', async () => {
    const dir = await exportDir({ 'rocketchat_message.json': `${JSON.stringify(message('m1'))}\n` });
    const { store } = await storeFor('import-partial');
    const summary = await importExport(store, dir);
    expect(summary.items).toStrictEqual({ message: 1 });
  });

  it('warns, without failing, when the export lacks uniqueID or Site_Url', async () => {
    const settings = (docs: object[]) => exportDir({ 'rocketchat_settings.json': docs.map((doc) => JSON.stringify(doc)).join('\n') + '\n' });
    const { store } = await storeFor('import-identity');
    const none = await importExport(store, await settings([{ _id: 'Language', value: 'en' }]));
    expect(none.warnings).toHaveLength(2);
    expect(none.warnings[0]).toMatch(/^setting uniqueID is missing: /);
    expect(none.warnings[1]).toMatch(/^setting Site_Url is missing: /);
    expect(none.items).toStrictEqual({ setting: 1 });
    const emptySiteUrl = await importExport(
      store,
      await settings([
        { _id: 'uniqueID', value: 'U1' },
        { _id: 'Site_Url', value: ' ' },
      ]),
    );
    expect(emptySiteUrl.warnings).toStrictEqual([expect.stringMatching(/^setting Site_Url is missing: /)]);
  });

  it('keeps Push_request_content_from_server, which push.get never reads but doctor checks', async () => {
    const dir = await exportDir({ 'rocketchat_settings.json': `${JSON.stringify({ _id: 'Push_request_content_from_server', value: false })}\n` });
    const { tableName, store } = await storeFor('import-diagnostic');
    const summary = await importExport(store, dir);
    expect(summary.items).toStrictEqual({ setting: 1 });
    expect(await scan(tableName)).toMatchObject([{ ...keys.setting('Push_request_content_from_server'), value: false }]);
  });

  it.each([
    ['malformed JSON', 'rocketchat_message.json', `${JSON.stringify(message('a'))}\n{"_id": "b",\n`, 'rocketchat_message.json:2'],
    ['a document without _id', 'rocketchat_room.json', '{"t":"c","name":"x"}\n', 'rocketchat_room.json:1'],
    ['a malformed $ type', 'rocketchat_message.json', `\n\n${JSON.stringify({ ...message('a'), x: { $regularExpression: { pattern: 'a', options: 'zz' } } })}\n`, 'rocketchat_message.json:3'],
  ])('stops on %s with file:line before writing anything', async (_, file, text, where) => {
    const dir = await exportDir({ 'users.json': '{"_id":"u1","username":"u","services":{"resume":{"loginTokens":[]}}}\n', [file]: text });
    const { tableName, store } = await storeFor('import-bad');
    const failure = importExport(store, dir);
    await expect(failure).rejects.toBeInstanceOf(ImportError);
    await expect(failure).rejects.toThrow(where);
    expect(await scan(tableName)).toStrictEqual([]);
  });

  it('refuses a missing directory and a directory without export files', async () => {
    const { store } = await storeFor('import-nodir');
    await expect(importExport(store, join(tmpdir(), 'no-such-export-dir'))).rejects.toThrow('export directory not found');
    await expect(importExport(store, await exportDir({ 'other.json': '{}' }))).rejects.toThrow('no export files found');
  });
});

describe('Extended JSON in fields push.get never reads', () => {
  it('does not stop the import; the stored message keeps their JSON form, dates as ISO strings', async () => {
    const user = {
      _id: 'u1',
      username: 'u',
      active: true,
      roles: ['user'],
      services: {
        resume: { loginTokens: [{ when: { $date: '2030-01-01T00:00:00.000Z' }, hashedToken: hashLoginToken('tok') }] },
        email2fa: { attempts: { $numberDouble: 'NaN' }, failures: { $numberDouble: 'Infinity' } },
        totp: { secret: { $binary: { base64: 'AAEC', subType: '00' } } },
      },
      lastSync: { $timestamp: { t: 1, i: 1 } },
    };
    const room = { _id: 'r1', t: 'c', name: 'general', msgs: { $numberLong: '5' }, statistics: { low: { $minKey: 1 }, high: { $maxKey: 1 } }, avg: { $numberDecimal: 'NaN' } };
    const subscription = { _id: 's1', rid: 'r1', u: { _id: 'u1' }, unread: { $numberInt: '2' }, ls: { $timestamp: { t: 7, i: 1 } } };
    const message = {
      _id: 'm1',
      rid: 'r1',
      msg: 'hi',
      ts: { $date: { $numberLong: '1704164645006' } },
      u: { _id: 'u1', username: 'u' },
      blob: { $binary: { base64: 'AAEC', subType: '00' } },
      pattern: { $regularExpression: { pattern: '^a', options: 'i' } },
      score: { $numberDecimal: '1.5' },
      nan: { $numberDouble: 'NaN' },
    };
    const line = (doc: object) => `${JSON.stringify(doc)}\n`;
    const dir = await exportDir({
      'users.json': line(user),
      'rocketchat_room.json': line(room),
      'rocketchat_subscription.json': line(subscription),
      'rocketchat_message.json': JSON.stringify([message], null, 2),
    });
    const { store } = await storeFor('import-ejson');
    const summary = await importExport(store, dir);
    expect(summary.items).toStrictEqual({ user: 1, token: 1, room: 1, subscription: 1, message: 1 });
    expect((await store.message('m1'))?.document).toStrictEqual({
      _id: 'm1',
      rid: 'r1',
      msg: 'hi',
      ts: '2024-01-02T03:04:05.006Z',
      u: { _id: 'u1', username: 'u' },
      blob: 'AAEC',
      pattern: { pattern: '^a', options: 'i' },
      score: 1.5,
      nan: null,
    });
    expect((await store.loginFacts('u1', hashLoginToken('tok'))).user?.active).toBe(true);
    expect(await store.badge('u1')).toBe(2);
  });
});

describe("one document at a time: imported, then changed by replayed change events (the relay's apply path)", () => {
  const user = (tokens: string[]) => ({
    _id: 'u1',
    username: 'u',
    active: true,
    roles: ['user'],
    services: { resume: { loginTokens: tokens.map((token) => ({ when: '2030-01-01T00:00:00.000Z', hashedToken: hashLoginToken(token) })) } },
  });

  /** Imports the documents and returns the change log that knows them, and the applier its events go through. */
  async function imported(store: DynamoStore, collections: Collections): Promise<{ log: ChangeLog; apply: (event: ChangeEvent) => Promise<ApplyKind> }> {
    await importExport(store, await writeExport(await tempDir('import-one'), collections));
    const log = new ChangeLog();
    for (const [collection, docs] of Object.entries(collections)) {
      for (const doc of docs!) log.existing(collection, doc as Record<string, unknown>);
    }
    const applier = new ChangeApplier(store);
    return { log, apply: async (event) => (await applier.apply(event)).kind };
  }

  /** The items that are not tombstones. */
  async function live(tableName: string): Promise<Record<string, unknown>[]> {
    return (await scan(tableName)).filter((item) => item[TOMBSTONE_ATTRIBUTE] !== true);
  }

  it('a user loses the login tokens it no longer has (tombstoned)', async () => {
    const { tableName, store } = await storeFor('sync-user');
    const { log, apply } = await imported(store, { users: [user(['one', 'two'])] });
    const logout = log.pull('users', 'u1', 'services.resume.loginTokens', (token) => (token as { hashedToken: string }).hashedToken === hashLoginToken('two'));
    expect(await apply(logout)).toBe('applied');
    expect((await live(tableName)).map((item) => item.sk)).toStrictEqual([`TOKEN#${hashLoginToken('two')}`, 'USER']);
    expect(await store.rawItem(keys.token('u1', hashLoginToken('one')))).toMatchObject({ [TOMBSTONE_ATTRIBUTE]: true });
  });

  it('a login token carries no TTL, imported or logged in later: its expiry follows Accounts_LoginExpiration at read time', async () => {
    const { store } = await storeFor('sync-ttl');
    const { log, apply } = await imported(store, { users: [user(['one'])], rocketchat_settings: [{ _id: 'Accounts_LoginExpiration', value: 30 }] });
    const importedToken = await store.rawItem(keys.token('u1', hashLoginToken('one')));
    expect(importedToken?.hashedToken).toBe(hashLoginToken('one'));
    expect(importedToken).not.toHaveProperty('expiresAt');
    const login = log.push('users', 'u1', 'services.resume.loginTokens', { when: '2030-01-01T00:00:00.000Z', hashedToken: hashLoginToken('two') });
    expect(await apply(login)).toBe('applied');
    const loggedIn = await store.rawItem(keys.token('u1', hashLoginToken('two')));
    expect(loggedIn?.hashedToken).toBe(hashLoginToken('two'));
    expect(loggedIn).not.toHaveProperty('expiresAt');
  });

  it('a subscription is deleted by its Mongo _id alone, and leaves the badge', async () => {
    const { tableName, store } = await storeFor('sync-sub');
    const { log, apply } = await imported(store, { rocketchat_subscription: [{ _id: 'sub1', rid: 'r1', u: { _id: 'u1', username: 'u' }, unread: 4 }] });
    expect(await store.badge('u1')).toBe(4);
    const deleted = log.delete('rocketchat_subscription', 'sub1');
    expect(await apply(deleted)).toBe('applied');
    expect(await apply(deleted)).toBe('stale');
    expect(await live(tableName)).toStrictEqual([]);
    expect(await store.badge('u1')).toBe(0);
  });

  it('archiving or reading a subscription takes it out of the badge', async () => {
    const { store } = await storeFor('sync-badge');
    const { log, apply } = await imported(store, {
      rocketchat_subscription: [
        { _id: 'sub1', rid: 'r1', u: { _id: 'u1' }, unread: 3, archived: false },
        { _id: 'sub2', rid: 'r2', u: { _id: 'u1' }, unread: 2 },
      ],
    });
    expect(await store.badge('u1')).toBe(5);
    expect(await apply(log.update('rocketchat_subscription', 'sub1', { archived: true }))).toBe('applied');
    expect(await store.badge('u1')).toBe(2);
    expect(await apply(log.update('rocketchat_subscription', 'sub2', { unread: 0 }))).toBe('applied');
    expect(await store.badge('u1')).toBe(0);
  });

  it('a team main room writes the team item, and its delete removes both', async () => {
    const { tableName, store } = await storeFor('sync-team');
    const { log, apply } = await imported(store, { rocketchat_room: [{ _id: 'main', t: 'p', name: 'team', teamId: 't1', teamMain: true }] });
    expect((await store.teamFacts('t1', 'u1')).mainRoom).toStrictEqual({ id: 'main', t: 'p' });
    expect(await apply(log.delete('rocketchat_room', 'main'))).toBe('applied');
    expect(await live(tableName)).toStrictEqual([]);
    expect((await store.teamFacts('t1', 'u1')).mainRoom).toBeUndefined();
  });

  it('a deleted message is gone for push.get', async () => {
    const { store } = await storeFor('sync-message');
    const { log, apply } = await imported(store, { rocketchat_message: [{ _id: 'm1', rid: 'r1', msg: 'x', u: { _id: 'u1' } }] });
    expect(await store.message('m1')).toBeDefined();
    expect(await apply(log.delete('rocketchat_message', 'm1'))).toBe('applied');
    expect(await store.message('m1')).toBeUndefined();
  });
});
