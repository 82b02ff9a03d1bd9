/**
 * Item mapping: one Mongo document → the items that represent it, and items → domain records.
 * Only what push.get reads is kept, except for messages, which are returned whole.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AuthUser, StoredLoginToken } from '../core/auth';
import type { Message, Room, Sender, Subscription, Team } from '../core/domain';
import type { Json } from '../ejson';
import { parseIsoDateTime } from '../core/iso-date';
import { isPermissionId, isStoredSettingId } from '../core/settings';
import { BADGE_INDEX_KEY, documentPointerKey, isStorableKey, keys, subscriptionPointerKey, VERSION_ATTRIBUTE, type Key, type PointedCollection } from './keys';

export const COLLECTIONS = [
  'users',
  'rocketchat_room',
  'rocketchat_subscription',
  'rocketchat_message',
  'rocketchat_settings',
  'rocketchat_permissions',
  // For the access rules only; exports without them fall back to Rocket.Chat's older rules.
  'rocketchat_team',
  'rocketchat_team_member',
  'rocketchat_livechat_department_agents',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

/**
 * The order the import and the relay's snapshot load the collections in: settings first, then the
 * rest as COLLECTIONS lists them. Derived from COLLECTIONS, so neither can miss one.
 */
export const LOAD_ORDER: readonly Collection[] = ['rocketchat_settings', ...COLLECTIONS.filter((collection) => collection !== 'rocketchat_settings')];

export type Document = { [key: string]: Json };
export type Item = Key & Record<string, unknown>;

/** A document whose shape the service cannot use. The reason never quotes document values. */
export class InvalidDocument extends Error {}

/** Messages above this size are stored gzip-compressed, to stay clear of the 400 KB item limit. */
const COMPRESS_ABOVE_BYTES = 100_000;
const MAX_ITEM_BYTES = 390_000;

export interface DocumentItems {
  /** The entity name for summaries (user, room, …); undefined when the document is skipped. */
  entity?: string;
  items: Item[];
}

export function itemsForDocument(collection: Collection, doc: Document): DocumentItems {
  const id = doc._id;
  if (typeof id !== 'string' || id === '') {
    throw new InvalidDocument('document has no string _id');
  }
  const mapped = mapDocument(collection, id, doc);
  if (!mapped.items.every(isStorableKey) || (collection === 'rocketchat_message' && !isStorableKey(keys.room(String(doc.rid))))) {
    throw new InvalidDocument('an id is too long to be a DynamoDB key');
  }
  return mapped;
}

function mapDocument(collection: Collection, id: string, doc: Document): DocumentItems {
  switch (collection) {
    case 'users':
      return { entity: 'user', items: userItems(id, doc) };
    case 'rocketchat_room':
      return { entity: 'room', items: roomItems(id, doc) };
    case 'rocketchat_subscription':
      return { entity: 'subscription', items: [subscriptionItem(id, doc)] };
    case 'rocketchat_message':
      return { entity: 'message', items: [messageItem(id, doc)] };
    case 'rocketchat_settings':
      return isStoredSettingId(id) ? { entity: 'setting', items: [{ ...keys.setting(id), value: doc.value ?? null }] } : { items: [] };
    case 'rocketchat_permissions':
      return isPermissionId(id) ? { entity: 'permission', items: [{ ...keys.permission(id), roles: stringList(doc.roles, 'roles') }] } : { items: [] };
    case 'rocketchat_team':
      return { entity: 'team document', items: [teamDocumentItem(id, doc)] };
    case 'rocketchat_team_member':
      return { entity: 'team member', items: [teamMemberItem(id, doc)] };
    case 'rocketchat_livechat_department_agents':
      return { entity: 'department agent', items: [departmentAgentItem(id, doc)] };
  }
}

/**
 * The user fields copied onto every token item (the authorizer's one BatchGetItem reads them there):
 * the apply path rewrites the token items when a change touches one of these.
 */
export const ACCOUNT_FIELDS = ['username', 'active', 'roles', 'language'] as const;
type AccountFields = Record<(typeof ACCOUNT_FIELDS)[number], unknown>;

function userItems(id: string, doc: Document): Item[] {
  // What the authorizer needs travels on every token item too, so that a login check reads one
  // item (with the login expiration setting, in one BatchGetItem); user and tokens come from the same document, so they are written together.
  const account: AccountFields = {
    username: optionalString(doc.username, 'username'),
    active: doc.active !== false,
    roles: stringList(doc.roles ?? [], 'roles'),
    language: optionalString(doc.language, 'language'),
  };
  const user: Item = { ...keys.user(id), ...account, name: optionalString(doc.name, 'name') };
  // A token listed twice is one item (a batch may not write the same key twice).
  const tokens = new Map(loginTokens(doc).map((token) => [token.hashedToken, token]));
  return [user, ...[...tokens.values()].map((token) => ({ ...tokenItem(id, token), ...account }))];
}

function loginTokens(doc: Document): StoredLoginToken[] {
  const services = asObject(doc.services);
  const resume = asObject(services?.resume);
  const list = resume?.loginTokens ?? [];
  if (!Array.isArray(list)) {
    throw new InvalidDocument('services.resume.loginTokens is not an array');
  }
  return list.flatMap((entry, index) => {
    const token = asObject(entry);
    const where = `services.resume.loginTokens[${index}]`;
    // Very old Meteor versions kept the raw token: Rocket.Chat's REST API only ever matches a
    // hashedToken, so such an entry logs nobody in and is left out (never hashed, never stored).
    if (token && token.hashedToken === undefined && typeof token.token === 'string') {
      return [];
    }
    const hashedToken = token?.hashedToken;
    if (!token || typeof hashedToken !== 'string' || !hashedToken) {
      throw new InvalidDocument(`${where} has no hashedToken`);
    }
    const personalAccessToken = token.type === 'personalAccessToken';
    // Dates arrive as ISO strings from Extended JSON; anything else is no date (not a lenient Date.parse).
    const when = token.when === undefined ? undefined : typeof token.when === 'string' ? parseIsoDateTime(token.when) : Number.NaN;
    if (!personalAccessToken && (when === undefined || !Number.isFinite(when))) {
      throw new InvalidDocument(`${where} has no valid "when" date`);
    }
    // A personal access token never expires: an unreadable `when` on one is dropped, never stored as NaN.
    return [{ hashedToken, when: Number.isFinite(when) ? when : undefined, personalAccessToken }];
  });
}

/**
 * No DynamoDB TTL on a live token: Rocket.Chat applies Accounts_LoginExpiration live and accepts
 * any positive number of days, so an expiry computed at write time would delete a token that a
 * later, longer setting keeps valid, and no finite bound is safe. The authorizer decides expiry at
 * read time from the current setting; Rocket.Chat (Meteor's token expiry job) pulls expired
 * tokens from the user document, and the sync tombstones them like any logout.
 */
function tokenItem(userId: string, token: StoredLoginToken): Item {
  return {
    ...keys.token(userId, token.hashedToken),
    hashedToken: token.hashedToken,
    when: token.when,
    personalAccessToken: token.personalAccessToken,
  };
}

function roomItems(id: string, doc: Document): Item[] {
  const t = doc.t;
  if (typeof t !== 'string' || t === '') {
    throw new InvalidDocument('room has no type "t"');
  }
  const teamId = optionalString(doc.teamId, 'teamId');
  const room: Item = {
    ...keys.room(id),
    t,
    name: optionalString(doc.name, 'name'),
    fname: optionalString(doc.fname, 'fname'),
    prid: optionalString(doc.prid, 'prid'),
    federated: doc.federated === true ? true : undefined,
    teamId,
    teamMain: doc.teamMain === true ? true : undefined,
    ro: doc.ro === true ? true : undefined,
    muted: doc.muted === undefined || doc.muted === null ? undefined : stringList(doc.muted, 'muted'),
    uidsCount: Array.isArray(doc.uids) ? doc.uids.length : undefined,
    servedById: optionalString(asObject(doc.servedBy)?._id, 'servedBy._id'),
    open: doc.open === true ? true : undefined,
    departmentId: optionalString(doc.departmentId, 'departmentId'),
  };
  if (doc.teamMain === true && teamId) {
    return [room, { ...keys.team(teamId), mainRoomId: id, mainRoomType: t }];
  }
  return [room];
}

function subscriptionItem(id: string, doc: Document): Item {
  const userId = asObject(doc.u)?._id;
  const rid = doc.rid;
  if (typeof userId !== 'string' || !userId) {
    throw new InvalidDocument('subscription has no string u._id');
  }
  if (typeof rid !== 'string' || !rid) {
    throw new InvalidDocument('subscription has no string rid');
  }
  const unread = doc.unread ?? 0;
  if (typeof unread !== 'number' || !Number.isFinite(unread)) {
    throw new InvalidDocument('subscription "unread" is not a number');
  }
  const archived = doc.archived === true;
  return {
    ...keys.subscription(userId, rid),
    rid,
    name: optionalString(doc.name, 'name'),
    fname: optionalString(doc.fname, 'fname'),
    unread,
    archived,
    invited: doc.status === 'INVITED' ? true : undefined,
    banned: doc.status === 'BANNED' ? true : undefined,
    // Sparse index: only subscriptions that add to the badge are in it.
    [BADGE_INDEX_KEY]: unread > 0 && !archived ? userId : undefined,
  };
}

/** Rocket.Chat's team types: 0 public, 1 private. */
function teamDocumentItem(id: string, doc: Document): Item {
  if (typeof doc.type !== 'number') {
    throw new InvalidDocument('team has no numeric "type"');
  }
  return { ...keys.teamDocument(id), type: doc.type };
}

function teamMemberItem(id: string, doc: Document): Item {
  const userId = requiredString(doc.userId, 'userId');
  const teamId = requiredString(doc.teamId, 'teamId');
  return { ...keys.teamMember(teamId, userId) };
}

function departmentAgentItem(id: string, doc: Document): Item {
  const agentId = requiredString(doc.agentId, 'agentId');
  const departmentId = requiredString(doc.departmentId, 'departmentId');
  return { ...keys.departmentAgent(departmentId, agentId) };
}

function messageItem(id: string, doc: Document): Item {
  const rid = doc.rid;
  if (typeof rid !== 'string' || !rid) {
    throw new InvalidDocument('message has no string rid');
  }
  const json = JSON.stringify(doc);
  const bytes = Buffer.byteLength(json);
  const compressed = bytes > COMPRESS_ABOVE_BYTES ? gzipSync(json) : undefined;
  if (compressed && compressed.length > MAX_ITEM_BYTES) {
    throw new InvalidDocument(`message is too large to store (${bytes} bytes of JSON)`);
  }
  const body = compressed ? { documentGzip: compressed } : { document: json };
  return {
    ...keys.message(id),
    rid,
    ...body,
  };
}

// ---- items → domain ----

/** Fails closed on a mistyped item: only a boolean `true` is active, only string roles count. */
export function toAuthUser(id: string, item: Record<string, unknown>): AuthUser {
  return {
    id,
    username: stringOrUndefined(item.username),
    active: item.active === true,
    roles: Array.isArray(item.roles) ? item.roles.filter((role): role is string => typeof role === 'string') : [],
    language: stringOrUndefined(item.language),
  };
}

export function toLoginToken(item: Record<string, unknown>): StoredLoginToken {
  return {
    hashedToken: String(item.hashedToken),
    when: typeof item.when === 'number' ? item.when : undefined,
    personalAccessToken: item.personalAccessToken === true,
  };
}

export function toSender(id: string, item: Record<string, unknown>): Sender {
  return { id, username: stringOrUndefined(item.username), name: stringOrUndefined(item.name) };
}

/** Undefined for a room item without a type: unreadable counts as missing ("room not found"). */
export function toRoom(id: string, item: Record<string, unknown>): Room | undefined {
  const muted = item.muted;
  if (typeof item.t !== 'string' || item.t === '') {
    return undefined;
  }
  return {
    id,
    t: item.t,
    name: item.name as string | undefined,
    fname: item.fname as string | undefined,
    prid: item.prid as string | undefined,
    federated: item.federated === true ? true : undefined,
    teamId: item.teamId as string | undefined,
    teamMain: item.teamMain === true,
    ro: item.ro === true,
    muted: Array.isArray(muted) ? (muted as string[]) : undefined,
    uidsCount: typeof item.uidsCount === 'number' ? item.uidsCount : undefined,
    servedById: item.servedById as string | undefined,
    open: item.open === true,
    departmentId: stringOrUndefined(item.departmentId),
  };
}

export function toTeam(id: string, item: Record<string, unknown>): Team {
  return { id, mainRoomId: String(item.mainRoomId), mainRoomType: String(item.mainRoomType) };
}

export function toSubscription(userId: string, item: Record<string, unknown>): Subscription {
  return {
    userId,
    rid: String(item.rid),
    name: item.name as string | undefined,
    fname: item.fname as string | undefined,
    unread: typeof item.unread === 'number' ? item.unread : 0,
    archived: item.archived === true,
    invited: item.invited === true,
    banned: item.banned === true,
  };
}

/**
 * Undefined for an edit-history copy (`_hidden`) or an unreadable message: both answer "message not
 * found". The stored document decides, so tables written when removed (`t: 'rm'`) messages were
 * still flagged hidden answer them too, without a re-import.
 */
export function toMessage(id: string, item: Record<string, unknown>): Message | undefined {
  if (typeof item.rid !== 'string') {
    return undefined;
  }
  // A corrupt body must not become a 500 whose logged parse error quotes the message's text.
  let document: unknown;
  try {
    const raw = item.documentGzip instanceof Uint8Array ? gunzipSync(item.documentGzip).toString('utf8') : item.document;
    document = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document) || (document as { _hidden?: unknown })._hidden === true) {
    return undefined;
  }
  return { id, rid: item.rid, document: document as Message['document'] };
}

// ---- helpers ----

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asObject(value: Json | undefined): { [key: string]: Json } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function optionalString(value: Json | undefined, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidDocument(`"${field}" is not a string`);
  }
  return value;
}

function requiredString(value: Json | undefined, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidDocument(`"${field}" is not a non-empty string`);
  }
  return value;
}

function stringList(value: Json | undefined, field: string): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw new InvalidDocument(`"${field}" is not a list of strings`);
  }
  return value as string[];
}

// ---- live sync ----

/** The keyed pointer from a subscription's `_id` to its item (see `subscriptionPointerKey`). */
export function subscriptionPointerItem(subscriptionId: string, doc: Document): Item {
  return { ...subscriptionPointerKey(subscriptionId), userId: asObject(doc.u)?._id, rid: doc.rid };
}

/** The pointer from a team member's or department agent's `_id` to its item (see documentPointerKey). */
export function documentPointerItem(collection: PointedCollection, id: string, target: Key): Item {
  return { ...documentPointerKey(collection, id), targetPk: target.pk, targetSk: target.sk };
}

/** The collections whose deletes are resolved through a pointer item. */
export function isPointedCollection(collection: Collection): collection is PointedCollection {
  return collection === 'rocketchat_team_member' || collection === 'rocketchat_livechat_department_agents';
}

/**
 * What the import writes for one document: its items, the `_id` pointer where a delete needs one,
 * all at the import's version, which any streamed change supersedes. The sync writes the same
 * items and pointers (lib/sync/apply.ts), each at its change's version.
 */
export function importItemsForDocument(collection: Collection, doc: Document, version: string): DocumentItems {
  const mapped = itemsForDocument(collection, doc);
  const id = String(doc._id);
  const pointers =
    collection === 'rocketchat_subscription' ? [subscriptionPointerItem(id, doc)] : isPointedCollection(collection) && mapped.items[0] ? [documentPointerItem(collection, id, mapped.items[0])] : [];
  return { entity: mapped.entity, items: [...mapped.items, ...pointers].map((item) => ({ ...item, [VERSION_ATTRIBUTE]: version })) };
}
