/**
 * A snapshot's reconciliation (lib/sync/relay/reconcile.ts) over the real apply path and an
 * in-memory store with DynamoDB's conditional-write rule: whatever MongoDB deleted or changed
 * since the table was written, snapshot + reconciliation leave exactly the items the import of
 * MongoDB's current documents would write, and a newer change is never undone.
 */
import { Timestamp } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredVersion } from '../../lib/dynamodb/dynamo-store';
import { importItemsForDocument, type Collection, type Document } from '../../lib/dynamodb/items';
import { TOMBSTONE_ATTRIBUTE, VERSION_ATTRIBUTE } from '../../lib/dynamodb/keys';
import { ChangeApplier } from '../../lib/sync/apply';
import { IMPORT_VERSION, type ChangeEvent } from '../../lib/sync/change-event';
import { reconcile, type ReconcileOptions } from '../../lib/sync/relay/reconcile';
import { MemorySyncStore } from '../support/memory-sync-store';
import { recordingLog } from '../support/relay-log';

const START = new Timestamp({ t: 1_800_000_000, i: 5 });
const when = '2026-11-30T00:00:00.000Z';
const user = (id: string, tokens: string[]): Document => ({
  _id: id,
  username: id,
  active: true,
  roles: ['user'],
  services: { resume: { loginTokens: tokens.map((hashedToken) => ({ when, hashedToken })) } },
});

/** MongoDB's documents when the table was written. */
const BEFORE: [Collection, Document][] = [
  ['users', user('u1', ['a', 'b'])],
  ['users', user('u2', ['c'])],
  ['rocketchat_room', { _id: 'r1', t: 'c' }],
  ['rocketchat_room', { _id: 'r2', t: 'p', teamId: 't1', teamMain: true }],
  ['rocketchat_subscription', { _id: 's1', rid: 'r1', u: { _id: 'u1' }, unread: 2 }],
  ['rocketchat_subscription', { _id: 's2', rid: 'r2', u: { _id: 'u2' }, unread: 1 }],
  ['rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'new' }],
  ['rocketchat_message', { _id: 'mOld', rid: 'r1', msg: 'outside the window' }],
  ['rocketchat_settings', { _id: 'Site_Url', value: 'https://x' }],
  ['rocketchat_permissions', { _id: 'view-c-room', roles: ['user'] }],
  ['rocketchat_team', { _id: 't1', type: 1 }],
  ['rocketchat_team_member', { _id: 'tm1', teamId: 't1', userId: 'u1' }],
  ['rocketchat_livechat_department_agents', { _id: 'da1', departmentId: 'd1', agentId: 'u2' }],
];
/** Messages the snapshot's window leaves out: only looked up. */
const OUTSIDE_WINDOW = new Set(['mOld']);

const keyOf = (item: Record<string, unknown>) => `${String(item.pk)}\u0000${String(item.sk)}`;

function expectedKeys(documents: [Collection, Document][]): string[] {
  return documents.flatMap(([collection, doc]) => importItemsForDocument(collection, doc, IMPORT_VERSION).items.map(keyOf)).sort();
}

function liveKeys(store: MemorySyncStore): string[] {
  return [...store.items.values()]
    .filter((item) => item[TOMBSTONE_ATTRIBUTE] !== true)
    .map(keyOf)
    .sort();
}

async function* scanOf(store: MemorySyncStore): AsyncGenerator<StoredVersion[]> {
  const items = [...store.items.values()].map((item) => ({
    pk: String(item.pk),
    sk: String(item.sk),
    version: typeof item[VERSION_ATTRIBUTE] === 'string' ? item[VERSION_ATTRIBUTE] : undefined,
    deleted: item[TOMBSTONE_ATTRIBUTE] === true,
  }));
  // Pages of 3, as a Scan pages.
  for (let start = 0; start < items.length; start += 3) yield items.slice(start, start + 3);
}

/** The import of BEFORE, then a snapshot of `now` (the window leaves OUTSIDE_WINDOW out) and its reconciliation. */
async function resnapshot(now: [Collection, Document][], options: Partial<ReconcileOptions> = {}) {
  const store = new MemorySyncStore();
  for (const [collection, doc] of BEFORE) for (const item of importItemsForDocument(collection, doc, IMPORT_VERSION).items) store.seed(item);
  const applier = new ChangeApplier(store);
  const apply = async (change: Record<string, unknown>) => (await applier.apply(change as unknown as ChangeEvent)).kind;
  for (const [collection, doc] of now) {
    if (OUTSIDE_WINDOW.has(String(doc._id))) continue;
    await apply({ _id: null, operationType: 'replace', clusterTime: START, ns: { db: 'rc', coll: collection }, documentKey: { _id: doc._id }, fullDocument: doc });
  }
  const lookups: string[][] = [];
  const log = recordingLog();
  const removed = await reconcile({
    dbName: 'rc',
    startAt: START,
    scan: () => scanOf(store),
    apply,
    tombstone: async (key, version) => (await applier.tombstone(key, version)).kind === 'applied',
    partial: new Set(['rocketchat_message']),
    existing: async (collection, ids) => {
      lookups.push(ids);
      return new Set(now.filter(([c, doc]) => c === collection && ids.includes(String(doc._id))).map(([, doc]) => String(doc._id)));
    },
    concurrency: 4,
    log,
    ...options,
  });
  return { store, removed, lookups, log };
}

describe("a snapshot's reconciliation", () => {
  it('leaves the table equal to MongoDB, whatever was deleted or changed since it was written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(BEFORE), fc.boolean(), async (kept, logoutU1) => {
        // A document still there may have changed too: a login token removed, a room no longer a team's main room.
        const now = kept.map(([collection, doc]): [Collection, Document] => {
          if (logoutU1 && doc._id === 'u1') return [collection, user('u1', ['a'])];
          if (logoutU1 && doc._id === 'r2') return [collection, { _id: 'r2', t: 'p' }];
          return [collection, doc];
        });
        const { store, removed } = await resnapshot(now);
        expect(liveKeys(store)).toStrictEqual(expectedKeys(now));
        const gone = BEFORE.filter(([, doc]) => !kept.some(([, k]) => k._id === doc._id));
        expect(Object.values(removed).reduce((sum, n) => sum + n, 0)).toBe(gone.length);
      }),
      { numRuns: 60 },
    );
  });

  it('looks up only the messages the windowed snapshot did not see, and keeps those MongoDB still has', async () => {
    const now = BEFORE.filter(([, doc]) => doc._id !== 'm1');
    const { store, removed, lookups } = await resnapshot(now);
    expect(lookups.map((ids) => [...ids].sort())).toStrictEqual([['m1', 'mOld']]);
    expect(liveKeys(store)).toContain('MSG#mOld\u0000MSG');
    expect(liveKeys(store)).not.toContain('MSG#m1\u0000MSG');
    expect(removed).toStrictEqual({ rocketchat_message: 1 });
  });

  it('leaves an item a newer change wrote, and a tombstone, alone', async () => {
    const { store, removed } = await resnapshot(
      BEFORE.filter(([, doc]) => doc._id !== 's1'),
      {
        // A change after the snapshot's start has already rewritten the subscription: it wins.
        scan: async function* () {
          yield [
            { pk: 'SUBID#s1', sk: 'SUBID', version: '1800000000.0000000009', deleted: false },
            { pk: 'MSG#gone', sk: 'MSG', version: IMPORT_VERSION, deleted: true },
          ];
        },
      },
    );
    expect(removed).toStrictEqual({});
    expect(liveKeys(store)).toContain('SUBID#s1\u0000SUBID');
  });

  it('stops at the first write that fails (the relay then stops, its checkpoint unset, and snapshots again)', async () => {
    const failing = resnapshot(
      BEFORE.filter(([, doc]) => doc._id !== 'u2' && doc._id !== 'r1'),
      {
        apply: async () => {
          throw new Error('DynamoDB unreachable');
        },
      },
    );
    await expect(failing).rejects.toThrow('DynamoDB unreachable');
  });

  it('asks MongoDB about 1,000 messages at a time and reports progress', async () => {
    const many = Array.from({ length: 2500 }, (_, n) => ({ pk: `MSG#gone${n}`, sk: 'MSG', version: IMPORT_VERSION, deleted: false }));
    const { lookups, log, removed } = await resnapshot(BEFORE, {
      scan: async function* () {
        yield many;
      },
      progressEvery: 1000,
    });
    expect(lookups.map((ids) => ids.length)).toStrictEqual([1000, 1000, 500]);
    expect(removed).toStrictEqual({ rocketchat_message: 2500 });
    expect(log.withMessage('reconcile: checking').map((event) => event.fields.checked)).toStrictEqual([1000, 2000]);
    expect(log.withMessage('reconcile: removed what MongoDB no longer has').map((event) => event.fields)).toStrictEqual([
      { checked: 2500, removed: 2500, removedByCollection: { rocketchat_message: 2500 } },
    ]);
  });
});
