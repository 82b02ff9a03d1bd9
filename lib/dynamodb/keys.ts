/**
 * The single-table key design. Every item's key is derived here and nowhere else.
 *
 * | entity        | pk                 | sk              | from Mongo                 |
 * |---------------|--------------------|-----------------|----------------------------|
 * | user          | USER#<userId>      | USER            | users                      |
 * | login token   | USER#<userId>      | TOKEN#<hash>    | users.services.resume      |
 * | subscription  | USER#<userId>      | SUB#<rid>       | rocketchat_subscription    |
 * | room          | ROOM#<rid>         | ROOM            | rocketchat_room            |
 * | team          | TEAM#<teamId>      | TEAM            | rocketchat_room (teamMain) |
 * | message       | MSG#<messageId>    | MSG             | rocketchat_message         |
 * | setting       | SETTING#<id>       | SETTING         | rocketchat_settings        |
 * | permission    | PERMISSION#<id>    | PERMISSION      | rocketchat_permissions     |
 * | team document | TEAM#<teamId>      | TEAMDOC         | rocketchat_team            |
 * | team member   | TEAM#<teamId>      | MEMBER#<userId> | rocketchat_team_member     |
 * | dept. agent   | DEPT#<departmentId>| AGENT#<agentId> | rocketchat_livechat_department_agents |
 * | config stamp  | CONFIG             | VERSION         | (rewritten on every setting or permission change) |
 *
 * One GSI, `badge` (sparse: only unread, non-archived subscriptions carry `badgeUser`). A
 * change-stream delete that carries only `_id` finds its item through a pointer item (below).
 */
import type { Collection } from './items';
export const PK = 'pk';
export const SK = 'sk';
/** TTL attribute: DynamoDB removes old tombstones and dead letters (login tokens carry none: expiry is decided at read time). */
export const TTL_ATTRIBUTE = 'expiresAt';
export const BADGE_INDEX = 'badge';
export const BADGE_INDEX_KEY = 'badgeUser';

export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
  user: (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'USER' }),
  token: (userId: string, hashedToken: string): Key => ({ pk: `USER#${userId}`, sk: `TOKEN#${hashedToken}` }),
  subscription: (userId: string, rid: string): Key => ({ pk: `USER#${userId}`, sk: `SUB#${rid}` }),
  room: (rid: string): Key => ({ pk: `ROOM#${rid}`, sk: 'ROOM' }),
  team: (teamId: string): Key => ({ pk: `TEAM#${teamId}`, sk: 'TEAM' }),
  message: (messageId: string): Key => ({ pk: `MSG#${messageId}`, sk: 'MSG' }),
  setting: (id: string): Key => ({ pk: `SETTING#${id}`, sk: 'SETTING' }),
  permission: (id: string): Key => ({ pk: `PERMISSION#${id}`, sk: 'PERMISSION' }),
  teamDocument: (teamId: string): Key => ({ pk: `TEAM#${teamId}`, sk: 'TEAMDOC' }),
  teamMember: (teamId: string, userId: string): Key => ({ pk: `TEAM#${teamId}`, sk: `MEMBER#${userId}` }),
  departmentAgent: (departmentId: string, agentId: string): Key => ({ pk: `DEPT#${departmentId}`, sk: `AGENT#${agentId}` }),
  /** A new `stamp` whenever a setting or permission item changes: the handler's configuration cache checks it. */
  configStamp: (): Key => ({ pk: 'CONFIG', sk: 'VERSION' }),
};

export const TOKEN_SK_PREFIX = 'TOKEN#';

/**
 * The collection whose documents an item comes from, read from its key (for `--prune`);
 * undefined for an item no collection owns.
 */
export function collectionOfKey({ pk, sk }: Key): Collection | undefined {
  const kind = pk.slice(0, pk.indexOf('#') + 1);
  switch (kind) {
    case 'USER#':
      return sk.startsWith('SUB#') ? 'rocketchat_subscription' : sk === 'USER' || sk.startsWith(TOKEN_SK_PREFIX) ? 'users' : undefined;
    case 'ROOM#':
      return 'rocketchat_room';
    case 'TEAM#':
      return sk === 'TEAMDOC' ? 'rocketchat_team' : sk.startsWith('MEMBER#') ? 'rocketchat_team_member' : 'rocketchat_room';
    case 'DEPT#':
      return 'rocketchat_livechat_department_agents';
    case 'SUBID#':
      return 'rocketchat_subscription';
    case 'DOCID#':
      return sk === 'DOCID' && pk.startsWith('DOCID#rocketchat_team_member#') ? 'rocketchat_team_member' : 'rocketchat_livechat_department_agents';
    case 'MSG#':
      return 'rocketchat_message';
    case 'SETTING#':
      return 'rocketchat_settings';
    case 'PERMISSION#':
      return 'rocketchat_permissions';
    default:
      return undefined;
  }
}

/**
 * The document an item stands for, when its key names the document: the item a change-stream
 * delete of that document starts from (a user, room, message, setting, permission or team
 * document, or the `_id` pointer of a subscription, team member or department agent). Undefined
 * for items derived from such an item (login tokens, subscriptions, team items, members, agents),
 * which that delete removes too, and for items no collection owns.
 */
export function documentOfKey(key: Key): { collection: Collection; id: string } | undefined {
  const collection = collectionOfKey(key);
  const named = key.pk.slice(key.pk.indexOf('#') + 1);
  if (!collection || named === '') return undefined;
  switch (key.sk) {
    case 'USER':
    case 'ROOM':
    case 'MSG':
    case 'SETTING':
    case 'PERMISSION':
    case 'TEAMDOC':
    case 'SUBID':
      return { collection, id: named };
    case 'DOCID':
      return { collection, id: named.slice(collection.length + 1) };
    default:
      return undefined;
  }
}

/** Entities by key shape, for `npm run doctor`'s counts (in the order it prints them). */
export const ENTITIES = [
  'users',
  'tokens',
  'subscriptions',
  'rooms',
  'messages',
  'settings',
  'permissions',
  'teams',
  'team documents',
  'team members',
  'department agents',
  'pointers',
  'configuration stamp',
  'relay items',
  'other',
] as const;
export type Entity = (typeof ENTITIES)[number];

/** The entity an item's key belongs to. */
export function entityOfKey(pk: string, sk: string): Entity {
  const stamp = keys.configStamp();
  if (pk === stamp.pk && sk === stamp.sk) return 'configuration stamp';
  const kind = pk.slice(0, pk.indexOf('#') + 1);
  switch (kind) {
    case 'USER#':
      return sk === 'USER' ? 'users' : sk.startsWith('TOKEN#') ? 'tokens' : sk.startsWith('SUB#') ? 'subscriptions' : 'other';
    case 'ROOM#':
      return 'rooms';
    case 'MSG#':
      return 'messages';
    case 'SETTING#':
      return 'settings';
    case 'PERMISSION#':
      return 'permissions';
    case 'TEAM#':
      return sk === 'TEAM' ? 'teams' : sk === 'TEAMDOC' ? 'team documents' : sk.startsWith('MEMBER#') ? 'team members' : 'other';
    case 'DEPT#':
      return 'department agents';
    case 'SUBID#':
    case 'DOCID#':
      return 'pointers';
    case 'SYNC#':
      return 'relay items';
    default:
      return 'other';
  }
}

/** DynamoDB refuses keys over these sizes; an id that long cannot name any stored item. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

export function isStorableKey({ pk, sk }: Key): boolean {
  return Buffer.byteLength(pk) <= MAX_PARTITION_KEY_BYTES && Buffer.byteLength(sk) <= MAX_SORT_KEY_BYTES;
}

/** An `_id` pointer item (subscription or document pointer), not an entity of its own. */
export function isPointerKey({ sk }: Key): boolean {
  return sk === 'SUBID' || sk === 'DOCID';
}

/** Collections whose items are keyed by other fields than the document's `_id` (besides subscriptions). */
export type PointedCollection = 'rocketchat_team_member' | 'rocketchat_livechat_department_agents';

/**
 * A document pointer: `DOCID#<collection>#<_id>` → the key of the document's item. A change-stream
 * delete carries only `_id`; this keyed item resolves it with a strongly consistent read.
 */
export const documentPointerKey = (collection: PointedCollection, id: string): Key => ({ pk: `DOCID#${collection}#${id}`, sk: 'DOCID' });

// ---- live sync (lib/sync) ----

/**
 * A subscription's pointer item: `SUBID#<subscription _id>` → `{userId, rid}`. A change-stream
 * delete of a subscription carries only its `_id`; this keyed item resolves it with a strongly
 * consistent read.
 */
export const subscriptionPointerKey = (subscriptionId: string): Key => ({ pk: `SUBID#${subscriptionId}`, sk: 'SUBID' });
/** The version (from the change's cluster time) of the change that last wrote the item. */
export const VERSION_ATTRIBUTE = 'version';
/** Marks a tombstone: the item was deleted at `version`; readers treat it as missing. */
export const TOMBSTONE_ATTRIBUTE = 'deleted';

/** Whether a stored item is a tombstone (every reader and the apply path ask here). */
export function isTombstone(item: Record<string, unknown> | undefined): boolean {
  return item?.[TOMBSTONE_ATTRIBUTE] === true;
}

/** One string per item key, for maps and sets of keys (NUL cannot occur in an id). */
export function keyString({ pk, sk }: Key): string {
  return `${pk}\u0000${sk}`;
}

/**
 * The relay's own items (live sync, lib/sync/relay): one item holds the lease and the resume
 * checkpoint, so both change in one conditional write; dead letters share a partition, sorted by
 * time, and expire through the TTL attribute.
 */
export const relayKeys = {
  state: (): Key => ({ pk: 'SYNC#RELAY', sk: 'STATE' }),
  deadLetter: (at: string, unique: string): Key => ({ pk: 'SYNC#DEADLETTER', sk: `${at}#${unique}` }),
  deadLetterPartition: 'SYNC#DEADLETTER',
};
