/**
 * The apply path per collection and operation type, over an in-memory store with DynamoDB's
 * conditional-write rule: what is written, how many writes, what is filtered out, what is refused.
 * And the property: any shuffle and duplication of an event sequence converges to in-order.
 */
import { Timestamp } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashLoginToken } from '../../lib/core/auth';
import { UnmappableChange, UnsupportedChange } from '../../lib/core/errors';
import { ChangeApplier } from '../../lib/sync/apply';
import { IMPORT_VERSION, toJsonDocument, versionOf, type ChangeEvent } from '../../lib/sync/change-event';
import { ACCOUNT_FIELDS, itemsForDocument, type Document, type Item } from '../../lib/dynamodb/items';
import { documentPointerKey, keys, subscriptionPointerKey } from '../../lib/dynamodb/keys';
import { ChangeLog, SCENARIO, scenarioChanges, scenarioDocuments } from '../../testkit/change-events';
import { MemorySyncStore } from '../support/memory-sync-store';

const NOW = Date.parse('2026-12-02T10:00:00.000Z');
const WHEN = new Date(NOW - 60_000);

function setup() {
  const store = new MemorySyncStore();
  const applier = new ChangeApplier(store, { now: () => NOW });
  const log = new ChangeLog();
  return { store, applier, log, apply: (event: ChangeEvent) => applier.apply(event) };
}

const userDoc = (tokens: string[], extra: Record<string, unknown> = {}) => ({
  _id: 'u1',
  username: 'una',
  name: 'Una',
  active: true,
  roles: ['user'],
  services: { resume: { loginTokens: tokens.map((token) => ({ when: WHEN, hashedToken: hashLoginToken(token) })) } },
  ...extra,
});

describe('versions', () => {
  it('orders as the cluster time does, past what a JavaScript number holds exactly', () => {
    const a = versionOf(new Timestamp({ t: 1_764_662_400, i: 1 }));
    const b = versionOf(new Timestamp({ t: 1_764_662_400, i: 2 }));
    const c = versionOf({ $timestamp: { t: 1_764_662_401, i: 0 } });
    expect([a < b, b < c, IMPORT_VERSION < a]).toStrictEqual([true, true, true]);
    expect(a).toBe('1764662400.0000000001');
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), (t1, i1, t2, i2) => {
        const order = t1 !== t2 ? t1 < t2 : i1 < i2;
        expect(versionOf({ t: t1, i: i1 }) < versionOf({ t: t2, i: i2 })).toBe(order);
      }),
    );
  });

  it('refuses what is no timestamp', () => {
    for (const bad of [undefined, 5, { t: -1, i: 0 }, { t: 1.5, i: 0 }, { $timestamp: { t: 2 ** 32, i: 0 } }]) {
      expect(() => versionOf(bad)).toThrow();
    }
  });
});

describe('messages', () => {
  it('an insert and an update are one write each; an older replay is stale', async () => {
    const { store, log, apply } = setup();
    const inserted = log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'hi', u: { _id: 'u1' }, ts: WHEN });
    expect(await apply(inserted)).toStrictEqual({ kind: 'applied', writes: 1, reads: 0 });
    const edited = log.update('rocketchat_message', 'm1', { msg: 'hi!', reactions: { ':+1:': { usernames: ['una'] } } });
    expect(await apply(edited)).toStrictEqual({ kind: 'applied', writes: 1, reads: 0 });
    expect(await apply(inserted)).toStrictEqual({ kind: 'stale', writes: 1, reads: 0 });
    const stored = await store.rawItem(keys.message('m1'));
    expect(JSON.parse(String(stored?.document))).toMatchObject({ msg: 'hi!', ts: WHEN.toISOString() });
    expect(stored?.version).toBe(versionOf(edited.clusterTime));
  });

  it('a delete leaves a tombstone with a TTL; a late insert cannot resurrect the message', async () => {
    const { store, log, apply } = setup();
    const inserted = log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'hi', u: { _id: 'u1' } });
    const deleted = log.delete('rocketchat_message', 'm1');
    expect((await apply(deleted)).kind).toBe('applied');
    expect((await apply(inserted)).kind).toBe('stale');
    expect(await store.rawItem(keys.message('m1'))).toStrictEqual({ ...keys.message('m1'), version: versionOf(deleted.clusterTime), deleted: true, expiresAt: NOW / 1000 + 7 * 24 * 3600 });
  });

  it('an update whose document is gone since (fullDocument null) writes nothing', async () => {
    const { log, apply } = setup();
    log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'hi' });
    const update = { ...log.update('rocketchat_message', 'm1', { msg: 'x' }), fullDocument: null };
    expect(await apply(update)).toStrictEqual({ kind: 'stale', writes: 0, reads: 0 });
  });
});

describe('rooms', () => {
  it('lastMessage, msgs and lm write nothing; a rename is one write', async () => {
    const { store, log, apply } = setup();
    store.seed({ ...keys.room('r1'), t: 'c', name: 'general', version: IMPORT_VERSION });
    log.existing('rocketchat_room', { _id: 'r1', t: 'c', name: 'general', msgs: 1 });
    expect(await apply(log.update('rocketchat_room', 'r1', { msgs: 2, lm: WHEN, lastMessage: { _id: 'm1', msg: 'x' }, _updatedAt: WHEN }))).toStrictEqual({ kind: 'irrelevant', writes: 0, reads: 0 });
    expect(await apply(log.update('rocketchat_room', 'r1', { name: 'town', fname: 'Town' }))).toStrictEqual({ kind: 'applied', writes: 1, reads: 0 });
    expect(await store.rawItem(keys.room('r1'))).toMatchObject({ name: 'town', fname: 'Town' });
  });

  it("a team's main room writes the team item once; leaving the team tombstones it; a delete tombstones both", async () => {
    const { store, log, apply } = setup();
    expect(await apply(log.insert('rocketchat_room', { _id: 'main', t: 'p', name: 'team', teamId: 't1', teamMain: true }))).toMatchObject({ writes: 2 });
    expect(await apply(log.update('rocketchat_room', 'main', { name: 'team2' }))).toMatchObject({ writes: 1 });
    expect(await store.rawItem(keys.team('t1'))).toMatchObject({ mainRoomId: 'main', mainRoomType: 'p' });
    await apply(log.update('rocketchat_room', 'main', {}, ['teamMain', 'teamId']));
    expect(await store.rawItem(keys.team('t1'))).toMatchObject({ deleted: true });
    await apply(log.update('rocketchat_room', 'main', { teamId: 't2', teamMain: true }));
    await apply(log.delete('rocketchat_room', 'main'));
    expect(await store.rawItem(keys.team('t2'))).toMatchObject({ deleted: true });
    expect(await store.rawItem(keys.room('main'))).toMatchObject({ deleted: true });
  });
});

describe('subscriptions', () => {
  const sub = { _id: 's1', rid: 'r1', u: { _id: 'u1', username: 'una' }, name: 'general', unread: 0, alert: false, open: false };

  it('alert, open, ls and lr write nothing; an unread count is one write', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('rocketchat_subscription', sub));
    for (const set of [{ alert: true }, { open: true }, { ls: WHEN, lr: WHEN, _updatedAt: WHEN }, { userMentions: 1 }]) {
      expect(await apply(log.update('rocketchat_subscription', 's1', set))).toStrictEqual({ kind: 'irrelevant', writes: 0, reads: 0 });
    }
    expect(await apply(log.update('rocketchat_subscription', 's1', { unread: 3, alert: true }))).toStrictEqual({ kind: 'applied', writes: 1, reads: 0 });
    expect(await store.rawItem(keys.subscription('u1', 'r1'))).toMatchObject({ unread: 3, badgeUser: 'u1' });
  });

  it('an insert writes the item and its _id pointer; a delete (only _id) resolves the pointer and tombstones both', async () => {
    const { store, log, apply } = setup();
    expect(await apply(log.insert('rocketchat_subscription', sub))).toMatchObject({ kind: 'applied', writes: 2 });
    expect(await store.rawItem(subscriptionPointerKey('s1'))).toMatchObject({ userId: 'u1', rid: 'r1' });
    const deleted = log.delete('rocketchat_subscription', 's1');
    expect(deleted.fullDocument).toBeUndefined();
    expect(await apply(deleted)).toStrictEqual({ kind: 'applied', writes: 2, reads: 1 });
    expect(await store.rawItem(keys.subscription('u1', 'r1'))).toMatchObject({ deleted: true, version: versionOf(deleted.clusterTime) });
  });

  it('a document deleted and created again (same _id): the older delete, applied late, leaves the newer subscription and its pointer alone', async () => {
    const { store, log, apply } = setup();
    const first = log.insert('rocketchat_subscription', sub);
    const deleted = log.delete('rocketchat_subscription', 's1');
    const again = log.insert('rocketchat_subscription', sub);
    const unread = log.update('rocketchat_subscription', 's1', { unread: 1 });
    await apply(first);
    await apply(unread);
    expect((await apply(deleted)).kind).toBe('stale');
    await apply(again);
    expect(await store.rawItem(keys.subscription('u1', 'r1'))).toMatchObject({ unread: 1 });
    expect(await store.rawItem(subscriptionPointerKey('s1'))).not.toMatchObject({ deleted: true });
    // So a later delete still finds it.
    expect((await apply(log.delete('rocketchat_subscription', 's1'))).kind).toBe('applied');
    expect(await store.rawItem(keys.subscription('u1', 'r1'))).toMatchObject({ deleted: true });
  });

  it('a delete applied before the insert and the updates keeps the subscription deleted', async () => {
    const { store, log, apply } = setup();
    const inserted = log.insert('rocketchat_subscription', sub);
    const updated = log.update('rocketchat_subscription', 's1', { unread: 2 });
    const deleted = log.delete('rocketchat_subscription', 's1');
    await apply(deleted);
    expect((await apply(updated)).kind).toBe('stale');
    expect((await apply(inserted)).kind).toBe('stale');
    expect(await store.rawItem(keys.subscription('u1', 'r1'))).toMatchObject({ deleted: true });
  });
});

describe("teams, team members and department agents (the access rules' collections)", () => {
  it('a team document is one write; a delete tombstones it', async () => {
    const { store, log, apply } = setup();
    expect(await apply(log.insert('rocketchat_team', { _id: 't1', type: 1, name: 'team' }))).toMatchObject({ kind: 'applied', writes: 1 });
    expect(await store.rawItem(keys.teamDocument('t1'))).toMatchObject({ type: 1 });
    expect(await apply(log.update('rocketchat_team', 't1', { name: 'renamed' }))).toMatchObject({ kind: 'irrelevant', writes: 0 });
    expect((await apply(log.delete('rocketchat_team', 't1'))).kind).toBe('applied');
    expect(await store.rawItem(keys.teamDocument('t1'))).toMatchObject({ deleted: true });
  });

  it.each([
    ['rocketchat_team_member', { _id: 'tm1', teamId: 't1', userId: 'u1', roles: ['member'] }, keys.teamMember('t1', 'u1')],
    ['rocketchat_livechat_department_agents', { _id: 'tm1', departmentId: 'd1', agentId: 'u1', count: 0 }, keys.departmentAgent('d1', 'u1')],
  ] as const)('%s: an insert writes the item and its _id pointer; a delete (only _id) resolves the pointer and tombstones both, in any order', async (collection, doc, key) => {
    const { store, log, apply } = setup();
    const inserted = log.insert(collection, doc);
    expect(await apply(inserted)).toMatchObject({ kind: 'applied', writes: 2 });
    expect(await store.rawItem(documentPointerKey(collection, 'tm1'))).toMatchObject({ targetPk: key.pk, targetSk: key.sk });
    const deleted = log.delete(collection, 'tm1');
    expect(await apply(deleted)).toStrictEqual({ kind: 'applied', writes: 2, reads: 1 });
    expect(await store.rawItem(key)).toMatchObject({ deleted: true, version: versionOf(deleted.clusterTime) });
    // Replayed out of order, the insert cannot resurrect the member.
    expect((await apply(inserted)).kind).toBe('stale');
    expect(await store.rawItem(key)).toMatchObject({ deleted: true });
  });
});

describe('users and login tokens', () => {
  it("presence, lastLogin and other fields push.get doesn't read write nothing", async () => {
    const { log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1'])));
    for (const set of [{ status: 'away' }, { statusConnection: 'online', statusDefault: 'online' }, { lastLogin: WHEN }, { 'services.password.bcrypt': 'x' }, { emails: [] }]) {
      expect(await apply(log.update('users', 'u1', set))).toStrictEqual({ kind: 'irrelevant', writes: 0, reads: 0 });
    }
  });

  it('a login writes one token item (one consistent read guards it), carrying the account fields', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1'])));
    const login = log.push('users', 'u1', 'services.resume.loginTokens', { when: WHEN, hashedToken: hashLoginToken('t2') });
    expect(await apply(login)).toStrictEqual({ kind: 'applied', writes: 1, reads: 1 });
    expect(await store.rawItem(keys.token('u1', hashLoginToken('t2')))).toMatchObject({ username: 'una', active: true, roles: ['user'], when: WHEN.getTime() });
  });

  it('a logout tombstones that token (and moves the user item to the new version)', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1', 't2'])));
    const logout = log.pull('users', 'u1', 'services.resume.loginTokens', (token) => (token as { hashedToken: string }).hashedToken !== hashLoginToken('t1'));
    expect(await apply(logout)).toStrictEqual({ kind: 'applied', writes: 2, reads: 1 });
    expect(await store.rawItem(keys.token('u1', hashLoginToken('t1')))).toMatchObject({ deleted: true });
    expect(await store.rawItem(keys.token('u1', hashLoginToken('t2')))).toMatchObject({ active: true });
  });

  it('a deactivation refuses every token at once', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1', 't2'])));
    expect(await apply(log.update('users', 'u1', { active: false }))).toStrictEqual({ kind: 'applied', writes: 3, reads: 1 });
    for (const token of ['t1', 't2']) {
      expect(await store.rawItem(keys.token('u1', hashLoginToken(token)))).toMatchObject({ active: false });
    }
  });

  it('a change of any field the token items copy from the user rewrites every token item (the apply list and the mapping agree)', async () => {
    const doc = userDoc(['t1', 't2'], { language: 'de' });
    const [user, token] = itemsForDocument('users', toJsonDocument(doc) as Document).items as [Item, Item];
    // The copied fields, read off the mapping's output: on the token item and the user item alike.
    const copied = Object.keys(token).filter((field) => field !== 'pk' && field !== 'sk' && field in user);
    expect([...copied].sort()).toStrictEqual([...ACCOUNT_FIELDS].sort());
    for (const field of copied) {
      const { store, log, apply } = setup();
      await apply(log.insert('users', doc));
      const was = user[field];
      const changed = typeof was === 'boolean' ? !was : Array.isArray(was) ? [...(was as string[]), 'admin'] : `${String(was)}-changed`;
      expect(await apply(log.update('users', 'u1', { [field]: changed }))).toMatchObject({ kind: 'applied', writes: 3, reads: 1 });
      for (const hashed of ['t1', 't2'].map(hashLoginToken)) {
        expect((await store.rawItem(keys.token('u1', hashed)))?.[field], field).toStrictEqual(changed);
      }
    }
  });

  it('a name change rewrites the user item only', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1'])));
    expect(await apply(log.update('users', 'u1', { name: 'Una U.' }))).toStrictEqual({ kind: 'applied', writes: 1, reads: 0 });
    expect(await store.rawItem(keys.user('u1'))).toMatchObject({ name: 'Una U.' });
  });

  it('a login replayed after a newer deactivation that cleared the tokens stays refused', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc([])));
    const login = log.push('users', 'u1', 'services.resume.loginTokens', { when: WHEN, hashedToken: hashLoginToken('t1') });
    const deactivation = log.update('users', 'u1', { active: false, 'services.resume.loginTokens': [] });
    await apply(deactivation);
    expect((await apply(login)).kind).toBe('stale');
    expect(await store.rawItem(keys.token('u1', hashLoginToken('t1')))).toBeUndefined();
  });

  it('a user delete tombstones the user and every token', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('users', userDoc(['t1', 't2'])));
    expect(await apply(log.delete('users', 'u1'))).toStrictEqual({ kind: 'applied', writes: 3, reads: 1 });
    expect([...store.items.values()].every((item) => item.deleted === true)).toBe(true);
  });
});

describe('settings and permissions', () => {
  it('only the settings push.get reads, and only their value', async () => {
    const { store, log, apply } = setup();
    expect((await apply(log.insert('rocketchat_settings', { _id: 'Some_Other_Setting', value: 1 }))).kind).toBe('irrelevant');
    expect((await apply(log.insert('rocketchat_settings', { _id: 'Push_show_message', value: true }))).kind).toBe('applied');
    expect((await apply(log.update('rocketchat_settings', 'Push_show_message', { _updatedAt: WHEN, ts: WHEN }))).kind).toBe('irrelevant');
    // The setting, then a new configuration stamp (the handlers' cache key).
    expect(await apply(log.update('rocketchat_settings', 'Push_show_message', { value: false }))).toStrictEqual({ kind: 'applied', writes: 2, reads: 0 });
    expect(await store.rawItem(keys.setting('Push_show_message'))).toMatchObject({ value: false });
    await apply(log.insert('rocketchat_permissions', { _id: 'view-c-room', roles: ['admin', 'user'] }));
    expect((await apply(log.update('rocketchat_permissions', 'view-c-room', { roles: ['admin'] }))).kind).toBe('applied');
  });

  it('every applied or replayed change of a read setting or permission stamps the configuration; nothing else does', async () => {
    const { store, log, apply } = setup();
    await apply(log.insert('rocketchat_settings', { _id: 'Some_Other_Setting', value: 1 }));
    await apply(log.insert('rocketchat_room', { _id: 'r1', t: 'c', name: 'general' }));
    expect(store.configStamps).toBe(0);
    const change = log.insert('rocketchat_permissions', { _id: 'view-p-room', roles: ['user'] });
    await apply(change);
    // A retry (the stamp write failed after the item's) finds the item stale and still stamps.
    expect((await apply(change)).kind).toBe('stale');
    await apply(log.delete('rocketchat_settings', 'Push_show_message'));
    expect(store.configStamps).toBe(3);
  });
});

describe('what cannot be applied', () => {
  it('a malformed document is an UnmappableChange naming collection, id and reason, never its values', async () => {
    const { log, apply } = setup();
    const event = log.insert('users', { _id: 'u1', username: 'una', services: { resume: { loginTokens: [{ when: 'secret-when', hashedToken: 42, token: 42 }] } } });
    const error = await apply(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnmappableChange);
    expect((error as Error).message).toMatch(/^users u1: /);
    expect((error as Error).message).not.toContain('secret');
  });

  it('an update without fullDocument (no updateLookup) or without a cluster time is unmappable', async () => {
    const { log, apply } = setup();
    log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'hi' });
    const update = log.update('rocketchat_message', 'm1', { msg: 'x' });
    await expect(apply({ ...update, fullDocument: undefined })).rejects.toThrow(/updateLookup/);
    await expect(apply({ ...update, clusterTime: undefined as never })).rejects.toBeInstanceOf(UnmappableChange);
  });

  it('dropping or renaming a watched collection stops the sync; other collections are irrelevant', async () => {
    const { apply } = setup();
    const base = { _id: {}, clusterTime: new Timestamp({ t: 1, i: 1 }) };
    await expect(apply({ ...base, operationType: 'drop', ns: { db: 'rc', coll: 'users' } })).rejects.toBeInstanceOf(UnsupportedChange);
    await expect(apply({ ...base, operationType: 'dropDatabase', ns: { db: 'rc' } })).rejects.toBeInstanceOf(UnsupportedChange);
    expect((await apply({ ...base, operationType: 'drop', ns: { db: 'rc', coll: 'rocketchat_uploads' } })).kind).toBe('irrelevant');
    expect((await apply({ ...base, operationType: 'insert', ns: { db: 'rc', coll: 'rocketchat_uploads' }, documentKey: { _id: 'x' }, fullDocument: { _id: 'x' } })).kind).toBe('irrelevant');
  });
});

describe('order does not matter (property)', () => {
  /** The realistic scenario, from an empty table: every document inserted, then the changes. */
  function scenarioEvents(): ChangeEvent[] {
    const log = new ChangeLog();
    for (const [collection, docs] of Object.entries(scenarioDocuments(NOW))) {
      for (const doc of docs) log.insert(collection, doc);
    }
    scenarioChanges(log, NOW);
    return log.events;
  }

  async function applyAll(events: ChangeEvent[]): Promise<Record<string, unknown>[]> {
    const store = new MemorySyncStore();
    const applier = new ChangeApplier(store, { now: () => NOW });
    for (const event of events) await applier.apply(event);
    // What readers see: live items, without versions (an item a newer event left unchanged keeps
    // the version that wrote it). A tombstone and a never-written item both read as missing.
    return store
      .snapshot()
      .filter((item) => item.deleted !== true)
      .map(({ version: _version, ...item }) => item);
  }

  it('any shuffle with duplicates converges to the in-order table, deletes included', async () => {
    const events = scenarioEvents();
    const inOrder = await applyAll(events);
    // The scenario deletes a message, a subscription and tokens: the property covers deletes.
    const live = inOrder.map((item) => `${item.pk} ${item.sk}`);
    expect(live).not.toContain('MSG#msgTwo00000000001 MSG');
    expect(live).not.toContain(`USER#${SCENARIO.carol} SUB#${SCENARIO.rid}`);
    expect(live).toContain(`USER#${SCENARIO.bob} SUB#${SCENARIO.rid}`);
    expect(inOrder.filter((item) => item.pk === `USER#${SCENARIO.carol}` && String(item.sk).startsWith('TOKEN#'))).toStrictEqual([]);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.nat(events.length - 1), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (shuffled, duplicates, positions) => {
          const sequence = [...shuffled];
          duplicates.forEach((index, n) => sequence.splice((positions[n] ?? 0) % (sequence.length + 1), 0, events[index]!));
          expect(await applyAll(sequence)).toStrictEqual(inOrder);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('each collection on its own: random documents and edits, shuffled, converge', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('s1', 's2'), fc.constantFrom('insert', 'unread', 'alert', 'delete')), { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.nat()),
        async (steps, randomness) => {
          const log = new ChangeLog();
          const live = new Set<string>();
          for (const [id, step] of steps) {
            if (step === 'insert' && !live.has(id)) {
              log.insert('rocketchat_subscription', { _id: id, rid: `r-${id}`, u: { _id: 'u1' }, unread: 0 });
              live.add(id);
            } else if (step === 'delete' && live.has(id)) {
              log.delete('rocketchat_subscription', id);
              live.delete(id);
            } else if (live.has(id)) {
              log.update('rocketchat_subscription', id, step === 'unread' ? { unread: Number(log.current('rocketchat_subscription', id)?.unread) + 1 } : { alert: true });
            }
          }
          const inOrder = await applyAll(log.events);
          const order = [...randomness.take(log.events.length + 1)];
          const shuffled = log.events
            .map((event, n) => ({ event, rank: order[n]! }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ event }) => event);
          expect(await applyAll([...shuffled, ...shuffled.slice(0, order[log.events.length]! % (shuffled.length + 1))])).toStrictEqual(inOrder);
        },
      ),
      { numRuns: 200 },
    );
  });
});
