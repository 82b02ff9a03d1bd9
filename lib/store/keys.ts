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
 *
 * GSIs: `badge` (sparse: only unread, non-archived subscriptions carry `badgeUser`) and
 * `bySubId` (subscription `_id` → item, so a change-stream delete that carries only `_id` finds it).
 */
export const PK = 'pk';
export const SK = 'sk';
/** TTL attribute: expired login tokens are removed by DynamoDB itself. */
export const TTL_ATTRIBUTE = 'expiresAt';
export const BADGE_INDEX = 'badge';
export const BADGE_INDEX_KEY = 'badgeUser';
export const SUB_ID_INDEX = 'bySubId';
export const SUB_ID_INDEX_KEY = 'subId';

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
};

export const TOKEN_SK_PREFIX = 'TOKEN#';

/** DynamoDB refuses keys over these sizes; an id that long cannot name any stored item. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

export function isStorableKey({ pk, sk }: Key): boolean {
  return Buffer.byteLength(pk) <= MAX_PARTITION_KEY_BYTES && Buffer.byteLength(sk) <= MAX_SORT_KEY_BYTES;
}

// ---- live sync (lib/sync) ----

/**
 * A subscription's pointer item: `SUBID#<subscription _id>` → `{userId, rid}`. A change-stream
 * delete of a subscription carries only its `_id`; this keyed item resolves it with a strongly
 * consistent read (the bySubId index is only eventually consistent).
 */
export const subscriptionPointerKey = (subscriptionId: string): Key => ({ pk: `SUBID#${subscriptionId}`, sk: 'SUBID' });
/** The version (from the change's cluster time) of the change that last wrote the item. */
export const VERSION_ATTRIBUTE = 'version';
/** Marks a tombstone: the item was deleted at `version`; readers treat it as missing. */
export const TOMBSTONE_ATTRIBUTE = 'deleted';

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
