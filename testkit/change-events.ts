/**
 * Builds change events the way MongoDB reports Rocket.Chat's writes: each call changes a document
 * kept here and records the event (`updatedFields` with dotted paths, a pushed array element as
 * `path.<index>`, a pulled one as the whole new array), with `fullDocument` as updateLookup would
 * have returned it right then. Cluster times increase by one increment per event.
 */
import { Timestamp } from 'bson';
import { hashLoginToken } from '../lib/auth';
import type { ChangeEvent } from '../lib/sync/change-event';

type Doc = Record<string, unknown>;

export class ChangeLog {
  readonly events: ChangeEvent[] = [];
  private readonly docs = new Map<string, Doc>();
  private seconds: number;
  private increment = 0;

  constructor(
    startSeconds = 1_764_662_400,
    private readonly db = 'rocketchat',
  ) {
    this.seconds = startSeconds;
  }

  /** A document that already exists (imported), without an event. */
  existing(coll: string, doc: Doc): void {
    this.docs.set(`${coll}/${doc._id}`, structuredClone(doc));
  }

  current(coll: string, id: string): Doc | undefined {
    return this.docs.get(`${coll}/${id}`);
  }

  insert(coll: string, doc: Doc): ChangeEvent {
    this.docs.set(`${coll}/${doc._id}`, structuredClone(doc));
    return this.record({ operationType: 'insert', coll, id: String(doc._id), fullDocument: structuredClone(doc) });
  }

  replace(coll: string, doc: Doc): ChangeEvent {
    this.docs.set(`${coll}/${doc._id}`, structuredClone(doc));
    return this.record({ operationType: 'replace', coll, id: String(doc._id), fullDocument: structuredClone(doc) });
  }

  /** `$set` (dotted paths) and `$unset`. */
  update(coll: string, id: string, set: Doc, unset: string[] = []): ChangeEvent {
    const doc = this.mustGet(coll, id);
    for (const [path, value] of Object.entries(set)) setPath(doc, path, structuredClone(value));
    for (const path of unset) unsetPath(doc, path);
    return this.record({
      operationType: 'update',
      coll,
      id,
      fullDocument: structuredClone(doc),
      updateDescription: { updatedFields: structuredClone(set), removedFields: unset, truncatedArrays: [] },
    });
  }

  /** `$push`: reported as the new element at its index. */
  push(coll: string, id: string, path: string, value: unknown): ChangeEvent {
    const doc = this.mustGet(coll, id);
    const list = (getPath(doc, path) as unknown[] | undefined) ?? [];
    setPath(doc, path, [...list, structuredClone(value)]);
    return this.record({
      operationType: 'update',
      coll,
      id,
      fullDocument: structuredClone(doc),
      updateDescription: { updatedFields: { [`${path}.${list.length}`]: structuredClone(value) }, removedFields: [], truncatedArrays: [] },
    });
  }

  /** `$pull`: reported as the whole new array. */
  pull(coll: string, id: string, path: string, keep: (entry: unknown) => boolean): ChangeEvent {
    const doc = this.mustGet(coll, id);
    const list = ((getPath(doc, path) as unknown[] | undefined) ?? []).filter(keep);
    setPath(doc, path, list);
    return this.record({
      operationType: 'update',
      coll,
      id,
      fullDocument: structuredClone(doc),
      updateDescription: { updatedFields: { [path]: structuredClone(list) }, removedFields: [], truncatedArrays: [] },
    });
  }

  delete(coll: string, id: string): ChangeEvent {
    this.docs.delete(`${coll}/${id}`);
    return this.record({ operationType: 'delete', coll, id });
  }

  private mustGet(coll: string, id: string): Doc {
    const doc = this.docs.get(`${coll}/${id}`);
    if (!doc) throw new Error(`no ${coll}/${id} in the change log`);
    return doc;
  }

  private record(change: { operationType: string; coll: string; id: string; fullDocument?: Doc; updateDescription?: ChangeEvent['updateDescription'] }): ChangeEvent {
    this.increment++;
    const event: ChangeEvent = {
      _id: { _data: `${this.seconds.toString(16)}${this.increment.toString(16).padStart(8, '0')}` },
      operationType: change.operationType,
      clusterTime: new Timestamp({ t: this.seconds, i: this.increment }),
      wallTime: new Date(this.seconds * 1000 + this.increment),
      ns: { db: this.db, coll: change.coll },
      documentKey: { _id: change.id },
      ...(change.fullDocument ? { fullDocument: change.fullDocument } : {}),
      ...(change.updateDescription ? { updateDescription: change.updateDescription } : {}),
    };
    this.events.push(event);
    return event;
  }
}

function getPath(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Doc)[key] : undefined), doc);
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Doc = doc;
  for (const key of keys.slice(0, -1)) {
    node = (node[key] ??= {}) as Doc;
  }
  node[keys.at(-1)!] = value;
}

function unsetPath(doc: Doc, path: string): void {
  const keys = path.split('.');
  const parent = getPath(doc, keys.slice(0, -1).join('.'));
  if (keys.length === 1) delete doc[keys[0]!];
  else if (parent && typeof parent === 'object') delete (parent as Doc)[keys.at(-1)!];
}

export type UnreadSetting = 'all_messages' | 'user_and_group_mentions_only';

/**
 * What Rocket.Chat writes when `senderId` sends a message (no mention, not in a thread) in a
 * room (apps/meteor/app/lib/server/lib/notifyUsersOnMessage.ts and the client's read call): the
 * message; the room's msgs/lm/lastMessage; with `Unread_Count` all_messages (the DM default) an
 * unread increment for every other member; alert and open set for every other member not
 * already alerted/open; the sender's own read marker (ls, lr). One event per modified document.
 */
export function messageSent(
  log: ChangeLog,
  options: { messageId: string; rid: string; senderId: string; memberIds: string[]; unread: UnreadSetting; subId: (userId: string) => string; msg?: string },
): void {
  const { messageId, rid, senderId, memberIds, unread, subId } = options;
  const ts = new Date(log.events.length * 1000 + 1_764_662_400_000);
  const sender = log.current('users', senderId);
  const message = {
    _id: messageId,
    rid,
    msg: options.msg ?? 'hello',
    ts,
    u: { _id: senderId, username: sender?.username ?? senderId, name: sender?.name },
    _updatedAt: ts,
    mentions: [],
    channels: [],
    md: [],
  };
  log.insert('rocketchat_message', message);
  const room = log.current('rocketchat_room', rid);
  log.update('rocketchat_room', rid, { msgs: Number(room?.msgs ?? 0) + 1, lm: ts, lastMessage: message, _updatedAt: ts });
  const others = memberIds.filter((id) => id !== senderId);
  if (unread === 'all_messages') {
    for (const userId of others) {
      const sub = log.current('rocketchat_subscription', subId(userId));
      log.update('rocketchat_subscription', subId(userId), { unread: Number(sub?.unread ?? 0) + 1, _updatedAt: ts });
    }
  }
  for (const field of ['alert', 'open'] as const) {
    for (const userId of others) {
      if (log.current('rocketchat_subscription', subId(userId))?.[field] !== true) {
        log.update('rocketchat_subscription', subId(userId), { [field]: true, _updatedAt: ts });
      }
    }
  }
  log.update('rocketchat_subscription', subId(senderId), { ls: ts, lr: ts, _updatedAt: ts });
}

// ---- a realistic sequence, shared by unit, property and integration tests ----

export const SCENARIO = {
  rid: 'generalRoomId0001',
  alice: 'aliceUserId000001',
  bob: 'bobUserId00000001',
  carol: 'carolUserId000001',
  tokens: { alice: 'token-alice-1', bob1: 'token-bob-1', bob2: 'token-bob-2', carol: 'token-carol-1' },
  subId: (userId: string) => `sub-${userId}`,
};

function loginToken(token: string, when: Date): Doc {
  return { when, hashedToken: hashLoginToken(token) };
}

/** The documents before the changes: what an export (and so the import) holds. */
export function scenarioDocuments(now = Date.now()): Record<string, Doc[]> {
  const when = new Date(now - 24 * 60 * 60 * 1000);
  const user = (id: string, username: string, name: string, token: string): Doc => ({
    _id: id,
    username,
    name,
    active: true,
    roles: ['user'],
    status: 'online',
    services: { password: { bcrypt: '$2b$10$not-a-real-hash' }, resume: { loginTokens: [loginToken(token, when)] } },
  });
  const sub = (userId: string, username: string): Doc => ({
    _id: SCENARIO.subId(userId),
    rid: SCENARIO.rid,
    u: { _id: userId, username },
    t: 'c',
    name: 'general',
    fname: 'general',
    unread: 0,
    alert: false,
    open: true,
  });
  return {
    rocketchat_settings: [
      { _id: 'Site_Url', value: 'https://chat.example.com' },
      { _id: 'uniqueID', value: 'scenarioUniqueId' },
      { _id: 'Push_show_message', value: true },
      { _id: 'Unread_Count', value: 'all_messages' },
    ],
    rocketchat_permissions: [{ _id: 'view-c-room', roles: ['admin', 'user'] }],
    users: [user(SCENARIO.alice, 'alice', 'Alice', SCENARIO.tokens.alice), user(SCENARIO.bob, 'bob', 'Bob', SCENARIO.tokens.bob1), user(SCENARIO.carol, 'carol', 'Carol', SCENARIO.tokens.carol)],
    rocketchat_room: [{ _id: SCENARIO.rid, t: 'c', name: 'general', fname: 'general', msgs: 0 }],
    rocketchat_subscription: [sub(SCENARIO.alice, 'alice'), sub(SCENARIO.bob, 'bob'), sub(SCENARIO.carol, 'carol')],
    rocketchat_message: [],
  };
}

/**
 * Messages sent, an edit (with its hidden history copy), a hard delete, a login, a logout, a
 * deactivation (tokens cleared, as Rocket.Chat does), a room rename, a member leaving, a read, a
 * settings change, and presence noise.
 */
export function scenarioChanges(log: ChangeLog, now = Date.now()): void {
  const { rid, alice, bob, carol, subId } = SCENARIO;
  const members = [alice, bob, carol];
  const send = (messageId: string, msg: string, memberIds = members) => messageSent(log, { messageId, rid, senderId: alice, memberIds, unread: 'all_messages', subId, msg });
  log.update('users', alice, { status: 'online', lastLogin: new Date(now) });
  send('msgOne00000000001', 'hello');
  const original = structuredClone(log.current('rocketchat_message', 'msgOne00000000001')!);
  log.insert('rocketchat_message', { ...original, _id: 'msgOne0000000hist', _hidden: true, parent: 'msgOne00000000001' });
  log.update('rocketchat_message', 'msgOne00000000001', { msg: 'hello (edited)', editedAt: new Date(now), editedBy: { _id: alice, username: 'alice' } });
  log.push('users', bob, 'services.resume.loginTokens', loginToken(SCENARIO.tokens.bob2, new Date(now)));
  log.update('users', bob, { lastLogin: new Date(now), statusConnection: 'online' });
  send('msgTwo00000000001', 'a mistake');
  log.delete('rocketchat_message', 'msgTwo00000000001');
  const bob1 = hashLoginToken(SCENARIO.tokens.bob1);
  log.pull('users', bob, 'services.resume.loginTokens', (token) => (token as Doc).hashedToken !== bob1);
  log.update('users', carol, { active: false });
  log.update('users', carol, { 'services.resume.loginTokens': [] });
  log.update('rocketchat_room', rid, { name: 'town-square', fname: 'town-square' });
  for (const userId of members) log.update('rocketchat_subscription', subId(userId), { name: 'town-square', fname: 'town-square' });
  log.delete('rocketchat_subscription', subId(carol));
  log.update('rocketchat_subscription', subId(bob), { unread: 0, alert: false, ls: new Date(now), lr: new Date(now) });
  send('msgThree000000001', 'welcome to the square', [alice, bob]);
  log.update('rocketchat_settings', 'Push_show_message', { value: false, _updatedAt: new Date(now) });
  log.update('rocketchat_settings', 'Unread_Count', { value: 'user_and_group_mentions_only' });
}
