/**
 * The read-field declaration against the mapping it describes, and the server-side pipeline
 * against isRelevantChange: both filters come from one declaration and must agree. The pipeline
 * is evaluated by mingo, an in-memory implementation of MongoDB's aggregation language.
 */
import { Timestamp } from 'bson';
import fc from 'fast-check';
import { Aggregator } from 'mingo';
import { describe, expect, it } from 'vitest';
import { hashLoginToken } from '../../lib/auth';
import { COLLECTIONS, itemsForDocument, type Collection, type Document } from '../../lib/store/items';
import { keys, TOMBSTONE_ATTRIBUTE } from '../../lib/store/keys';
import { ChangeApplier } from '../../lib/sync/apply';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { changeStreamPipeline, isRelevantChange, READ_FIELDS } from '../../lib/sync/relevance';
import { ChangeLog } from '../../testkit/change-events';
import { MemorySyncStore } from '../support/memory-sync-store';

/** Every dotted path the mapping reads from the document (array indexes folded away). */
function pathsRead(collection: Collection, doc: Document): Set<string> {
  const read = new Set<string>();
  const watch = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    return new Proxy(value as object, {
      get(target, key, receiver) {
        const inner = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || (Array.isArray(target) && !/^\d+$/.test(key))) return inner;
        const child = Array.isArray(target) ? path : path ? `${path}.${key}` : key;
        read.add(child);
        return watch(inner, child);
      },
    });
  };
  itemsForDocument(collection, watch(doc, '') as Document);
  return read;
}

const SAMPLES: Record<Collection, Document> = {
  users: {
    _id: 'u1',
    username: 'una',
    name: 'Una',
    active: true,
    roles: ['user'],
    language: 'de',
    services: {
      resume: {
        loginTokens: [
          { when: '2026-01-01T00:00:00.000Z', hashedToken: hashLoginToken('x') },
          { type: 'personalAccessToken', hashedToken: 'h2' },
        ],
      },
    },
  },
  rocketchat_room: {
    _id: 'r1',
    t: 'l',
    name: 'n',
    fname: 'f',
    prid: 'p',
    federated: true,
    teamId: 't',
    teamMain: true,
    ro: true,
    muted: ['a'],
    uids: ['a', 'b'],
    servedBy: { _id: 'agent' },
    open: true,
    departmentId: 'd',
  },
  rocketchat_subscription: { _id: 's1', rid: 'r1', u: { _id: 'u1', username: 'una' }, name: 'n', fname: 'f', unread: 2, archived: false, status: 'INVITED' },
  rocketchat_message: { _id: 'm1', rid: 'r1', msg: 'x', u: { _id: 'u1' } },
  rocketchat_settings: { _id: 'Site_Url', value: 'https://x' },
  rocketchat_permissions: { _id: 'view-c-room', roles: ['user'] },
  rocketchat_team: { _id: 't1', type: 1, name: 'team', createdAt: '2026-01-01T00:00:00.000Z' },
  rocketchat_team_member: { _id: 'tm1', teamId: 't1', userId: 'u1', roles: ['member'] },
  rocketchat_livechat_department_agents: { _id: 'da1', departmentId: 'd1', agentId: 'agent', username: 'agent', count: 3 },
};

describe('the read-field declaration', () => {
  it.each(COLLECTIONS.filter((collection) => SAMPLES[collection]))('%s: covers every field the mapping reads', (collection) => {
    const declared = READ_FIELDS[collection];
    const read = pathsRead(collection, SAMPLES[collection]);
    if (declared === 'all') {
      // Stored whole: every field was read (JSON.stringify) and every change counts.
      expect([...read]).toEqual(expect.arrayContaining(Object.keys(SAMPLES[collection])));
      return;
    }
    const covered = (path: string) => path === '_id' || declared.some((field) => path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`));
    expect([...read].filter((path) => !covered(path))).toStrictEqual([]);
  });

  it('lists no field the mapping never reads', () => {
    for (const collection of COLLECTIONS) {
      const declared = READ_FIELDS[collection];
      if (declared === 'all' || !SAMPLES[collection]) continue;
      const read = pathsRead(collection, SAMPLES[collection]);
      expect(declared.filter((field) => !read.has(field))).toStrictEqual([]);
    }
  });
});

const event = (coll: string, operationType: string, updatedFields: Record<string, unknown> = {}, id = 'x', removedFields: string[] = []): ChangeEvent => ({
  _id: { _data: '00' },
  operationType,
  clusterTime: new Timestamp({ t: 1, i: 1 }),
  ns: { db: 'rocketchat', coll },
  documentKey: { _id: id },
  ...(operationType === 'update' ? { updateDescription: { updatedFields, removedFields, truncatedArrays: [] } } : {}),
});

const passesServer = (events: ChangeEvent[]) => new Aggregator(changeStreamPipeline()).run(events as unknown as Record<string, unknown>[]).map((out) => (out as { _id: unknown })._id);

describe('filtering by updateDescription', () => {
  it.each([
    ['users', { status: 'away' }, false],
    ['users', { statusConnection: 'online', _updatedAt: 1 }, false],
    ['users', { lastLogin: 1 }, false],
    ['users', { 'services.password.bcrypt': 'x' }, false],
    ['users', { 'services.resume.loginTokens.3': {} }, true],
    ['users', { 'services.resume': {} }, true],
    ['users', { services: {} }, true],
    ['users', { active: false }, true],
    ['rocketchat_room', { lastMessage: {}, msgs: 3, lm: 1 }, false],
    ['rocketchat_room', { usersCount: 3 }, false],
    ['rocketchat_room', { fname: 'x' }, true],
    ['rocketchat_room', { 'servedBy._id': 'x' }, true],
    ['rocketchat_room', { 'servedBy.username': 'x' }, false],
    ['rocketchat_subscription', { alert: true }, false],
    ['rocketchat_subscription', { open: true, ls: 1, lr: 1 }, false],
    ['rocketchat_subscription', { 'u.username': 'x' }, false],
    ['rocketchat_subscription', { unread: 1 }, true],
    ['rocketchat_subscription', { archived: true }, true],
    ['rocketchat_message', { reactions: {} }, true],
    ['rocketchat_uploads', { name: 'x' }, false],
  ])('%s %j → relevant: %s, in isRelevantChange and on the server alike', (coll, set, relevant) => {
    const change = event(coll, 'update', set);
    expect(isRelevantChange(change)).toBe(relevant);
    expect(passesServer([change]).length).toBe(relevant ? 1 : 0);
  });

  it('a removed read field is relevant (archived unset)', () => {
    const change = event('rocketchat_subscription', 'update', {}, 's1', ['archived']);
    expect([isRelevantChange(change), passesServer([change]).length]).toStrictEqual([true, 1]);
  });

  it('settings and permissions: only the ids push.get reads, and the ones doctor checks', () => {
    const changes = [
      event('rocketchat_settings', 'update', { value: 1 }, 'Site_Url'),
      event('rocketchat_settings', 'update', { value: 1 }, 'Other'),
      event('rocketchat_permissions', 'insert', {}, 'view-c-room'),
      event('rocketchat_permissions', 'insert', {}, 'other'),
      event('rocketchat_settings', 'update', { value: false }, 'Push_request_content_from_server'),
    ];
    expect(changes.map(isRelevantChange)).toStrictEqual([true, false, true, false, true]);
    expect(passesServer(changes.map((change, n) => ({ ...change, _id: n })))).toStrictEqual([0, 2, 4]);
  });

  it('the server and isRelevantChange agree on any event (property)', () => {
    const paths = [
      'status',
      'name',
      'u',
      'u._id',
      'u.username',
      'unread',
      'alert',
      'services',
      'services.resume.loginTokens.1',
      'services.password',
      'lastMessage',
      'msgs',
      't',
      'value',
      'roles',
      'msg',
      'teamMain',
      'servedBy',
      'archived',
      'ls',
    ];
    const collections = [...COLLECTIONS, 'rocketchat_uploads', 'rocketchat_team'];
    const operations = ['insert', 'update', 'replace', 'delete', 'drop', 'rename', 'invalidate'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            coll: fc.constantFrom(...collections),
            op: fc.constantFrom(...operations),
            set: fc.subarray(paths),
            removed: fc.subarray(paths, { maxLength: 2 }),
            id: fc.constantFrom('Site_Url', 'view-c-room', 'x'),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (specs) => {
          const changes = specs.map((spec, n) => ({ ...event(spec.coll, spec.op, Object.fromEntries(spec.set.map((path) => [path, 1])), spec.id, spec.removed), _id: n }));
          const expected = changes.filter(isRelevantChange).map((change) => change._id);
          expect(passesServer(changes)).toStrictEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the server trims users' documents to the read fields: no password hash leaves MongoDB", () => {
    const change = {
      ...event('users', 'update', { 'services.resume.loginTokens.0': {} }),
      fullDocument: { _id: 'u1', username: 'una', emails: [{ address: 'a@b' }], services: { password: { bcrypt: '$2b$secret' }, resume: { loginTokens: [{ hashedToken: 'h' }] } } },
    };
    const [out] = new Aggregator(changeStreamPipeline()).run([change as unknown as Record<string, unknown>]) as Record<string, unknown>[];
    // mingo keeps a missing field as undefined where MongoDB leaves it out: compare as JSON.
    expect(JSON.parse(JSON.stringify(out!.fullDocument))).toStrictEqual({ _id: 'u1', username: 'una', services: { resume: { loginTokens: [{ hashedToken: 'h' }] } } });
    expect(out!._id).toStrictEqual(change._id);
    const gone = new Aggregator(changeStreamPipeline()).run([{ ...change, fullDocument: null } as unknown as Record<string, unknown>]) as Record<string, unknown>[];
    expect(gone[0]!.fullDocument).toBeNull();
  });

  describe("a password change (Meteor's setPassword, logout by default) leaves MongoDB without the hash", () => {
    const HASH = '$2b$10$abcdefghijklmnopqrstuvSECRETbcrypthashvalue0123456789';
    const user = {
      _id: 'u1',
      username: 'una',
      active: true,
      roles: ['user'],
      services: { password: { bcrypt: '$2b$10$oldhash', reset: { token: 'r' } }, resume: { loginTokens: [{ when: new Date(0), hashedToken: hashLoginToken('t') }] } },
    };
    /** Through the pipeline as MongoDB runs it (mingo), then as the relay sees it (missing fields dropped). */
    const throughServer = (change: ChangeEvent): ChangeEvent => {
      const [out] = new Aggregator(changeStreamPipeline()).run([change as unknown as Record<string, unknown>]) as unknown as ChangeEvent[];
      return { ...out!, clusterTime: change.clusterTime, updateDescription: JSON.parse(JSON.stringify(out!.updateDescription)) as ChangeEvent['updateDescription'] };
    };

    it("one update: hash set, reset and login tokens unset; only the tokens' removal passes", async () => {
      const log = new ChangeLog();
      log.existing('users', user);
      // accounts-password: $set services.password.bcrypt, $unset services.password.reset and, to log out, services.resume.loginTokens.
      const change = log.update('users', 'u1', { 'services.password.bcrypt': HASH }, ['services.password.reset', 'services.resume.loginTokens']);
      const out = throughServer(change);
      expect(JSON.stringify(out)).not.toMatch(/bcrypt|services\.password|SECRET/);
      expect(out.updateDescription).toStrictEqual({ updatedFields: {}, removedFields: ['services.resume.loginTokens'], truncatedArrays: [] });
      expect(isRelevantChange(out)).toBe(true);
      // And the trimmed event still does its work: the token is gone.
      const store = new MemorySyncStore();
      store.seed({ ...keys.token('u1', hashLoginToken('t')), hashedToken: hashLoginToken('t'), when: 0, personalAccessToken: false, version: '0' });
      expect((await new ChangeApplier(store).apply(out)).kind).toBe('applied');
      expect((await store.rawItem(keys.token('u1', hashLoginToken('t'))))?.[TOMBSTONE_ATTRIBUTE]).toBe(true);
    });

    it('a parent set whole (`services`) keeps only the login tokens below it', () => {
      const log = new ChangeLog();
      log.existing('users', user);
      const services = { password: { bcrypt: HASH }, resume: { loginTokens: [] } };
      const out = throughServer(log.update('users', 'u1', { services, emails: [{ address: 'una@example.com' }] }));
      expect(JSON.stringify(out)).not.toMatch(/bcrypt|password|SECRET|una@example/);
      expect(out.updateDescription!.updatedFields).toStrictEqual({ services: { resume: { loginTokens: [] } } });
      expect(isRelevantChange(out)).toBe(true);
    });

    it('a change of the hash alone never passes the server', () => {
      const log = new ChangeLog();
      log.existing('users', user);
      expect(passesServer([log.update('users', 'u1', { 'services.password.bcrypt': HASH })])).toStrictEqual([]);
    });

    it('other collections keep their updateDescription whole', () => {
      const change = event('rocketchat_message', 'update', { msg: 'hello', 'reactions.:+1:': { usernames: ['una'] } });
      expect(throughServer(change).updateDescription).toStrictEqual(change.updateDescription);
    });
  });
});
