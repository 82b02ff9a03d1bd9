/**
 * One list of the collections the table holds (COLLECTIONS in lib/store/items.ts): the import's
 * and the snapshot's load order, the change stream's `$match`, and the key → collection mapping
 * that `--prune` and a snapshot's reconciliation read are derived from it. Each derived output is
 * checked against the list here, so one that misses a collection fails; that the relay's snapshot
 * really reads every collection is checked through the scripted peer (test/integration/relay.test.ts).
 */
import { Timestamp } from 'bson';
import { Aggregator } from 'mingo';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS, importItemsForDocument, LOAD_ORDER, type Collection, type Document } from '../../lib/store/items';
import { collectionOfKey, documentOfKey } from '../../lib/store/keys';
import { changeStreamPipeline } from '../../lib/sync/relevance';

/** A document of every collection (the record's type makes a new collection need one here). */
const SAMPLES: Record<Collection, Document> = {
  users: { _id: 'u1', username: 'una', active: true, roles: ['user'], services: { resume: { loginTokens: [{ when: '2026-01-01T00:00:00.000Z', hashedToken: 'h1' }] } } },
  rocketchat_room: { _id: 'r1', t: 'p', teamId: 't1', teamMain: true },
  rocketchat_subscription: { _id: 's1', rid: 'r1', u: { _id: 'u1' }, unread: 1 },
  rocketchat_message: { _id: 'm1', rid: 'r1', msg: 'x', u: { _id: 'u1' } },
  rocketchat_settings: { _id: 'Site_Url', value: 'https://x' },
  rocketchat_permissions: { _id: 'view-c-room', roles: ['user'] },
  rocketchat_team: { _id: 't1', type: 1 },
  rocketchat_team_member: { _id: 'tm1', teamId: 't1', userId: 'u1' },
  rocketchat_livechat_department_agents: { _id: 'da1', departmentId: 'd1', agentId: 'u1' },
};

const passes = (event: Record<string, unknown>) => new Aggregator(changeStreamPipeline().slice(0, 1) as never).run([event]).length === 1;

describe('the collections the table holds', () => {
  it('are all loaded by the import and the snapshot, settings first', () => {
    expect([...LOAD_ORDER].sort()).toStrictEqual([...COLLECTIONS].sort());
    expect(LOAD_ORDER[0]).toBe('rocketchat_settings');
  });

  it.each(COLLECTIONS)("%s: the change stream's $match lets its inserts, deletes and drops through", (collection) => {
    const base = { _id: { _data: '00' }, clusterTime: new Timestamp({ t: 1, i: 1 }), ns: { db: 'rocketchat', coll: collection }, documentKey: { _id: SAMPLES[collection]._id } };
    expect(passes({ ...base, operationType: 'insert', fullDocument: SAMPLES[collection] })).toBe(true);
    expect(passes({ ...base, operationType: 'delete' })).toBe(true);
    expect(passes({ ...base, operationType: 'drop' })).toBe(true);
    expect(passes({ ...base, ns: { db: 'rocketchat', coll: `${collection}_other` }, operationType: 'insert' })).toBe(false);
  });

  it.each(COLLECTIONS)('%s: every item of a document is owned by the collection (--prune, reconciliation), and one names the document', (collection) => {
    const { items } = importItemsForDocument(collection, SAMPLES[collection], '0');
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((item) => collectionOfKey(item))).toStrictEqual(items.map(() => collection));
    // The item a change-stream delete of the document starts from: the reconciliation deletes through it.
    expect(items.map((item) => documentOfKey(item)).filter(Boolean)).toStrictEqual([{ collection, id: SAMPLES[collection]._id }]);
  });

  it('keys no collection owns name no document', () => {
    for (const key of [
      { pk: 'SYNC#RELAY', sk: 'STATE' },
      { pk: 'SYNC#DEADLETTER', sk: '2026-01-01T00:00:00.000Z#x' },
    ]) {
      expect(collectionOfKey(key)).toBeUndefined();
      expect(documentOfKey(key)).toBeUndefined();
    }
  });
});
