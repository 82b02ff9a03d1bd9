/**
 * The sync bench's rooms: their subscriptions as the import writes them, and Rocket.Chat's change
 * events for messages sent in them (testkit/change-events.ts). Shared by the bench, which
 * applies them itself, and by the scripted MongoDB peer's child process, which streams them.
 */
import type { Document, Item } from '../../lib/dynamodb/items';
import { keys } from '../../lib/dynamodb/keys';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { isRelevantChange } from '../../lib/sync/relevance';
import { ChangeLog, messageSent, type UnreadSetting } from '../../testkit/change-events';

export interface RoomShape {
  rid: string;
  members: number;
}

export function memberIds({ rid, members }: RoomShape): string[] {
  return Array.from({ length: members }, (_, n) => `${rid}-member${String(n).padStart(6, '0')}`);
}

export const subscriptionId = (rid: string, userId: string): string => `sub-${rid}-${userId}`;

export function subscriptionDocuments(room: RoomShape): Document[] {
  return memberIds(room).map((userId) => ({ _id: subscriptionId(room.rid, userId), rid: room.rid, u: { _id: userId, username: userId }, t: 'c', name: room.rid, unread: 0, alert: false, open: true }));
}

/** The change log of a room whose subscriptions were imported (no events yet). */
export function roomLog(room: RoomShape, log = new ChangeLog()): ChangeLog {
  for (const doc of subscriptionDocuments(room)) log.existing('rocketchat_subscription', doc);
  log.existing('rocketchat_room', { _id: room.rid, t: 'c', name: room.rid, msgs: 0 });
  return log;
}

let sent = 0;

/** The events of `messages` messages sent by the room's first member (no mention, not in a thread). */
export function sendMessages(log: ChangeLog, room: RoomShape, messages: number, unread: UnreadSetting): ChangeEvent[] {
  const from = log.events.length;
  const members = memberIds(room);
  for (let n = 0; n < messages; n++) {
    messageSent(log, { messageId: `${room.rid}-msg${++sent}`, rid: room.rid, senderId: members[0]!, memberIds: members, unread, subId: (userId) => subscriptionId(room.rid, userId) });
  }
  return log.events.slice(from);
}

/** The item a relevant message or subscription event writes (the bench's bursts have no other kind). */
export function writtenKey(event: ChangeEvent): string | undefined {
  if (!isRelevantChange(event)) return undefined;
  const coll = event.ns?.coll;
  const doc = event.fullDocument as { _id?: unknown; rid?: unknown; u?: { _id?: unknown } } | undefined;
  if (coll === 'rocketchat_message') return itemKey(keys.message(String(event.documentKey?._id)));
  if (coll === 'rocketchat_subscription' && doc) return itemKey(keys.subscription(String(doc.u?._id), String(doc.rid)));
  return undefined;
}

export function itemKey(key: Pick<Item, 'pk' | 'sk'>): string {
  return `${String(key.pk)}\u0000${String(key.sk)}`;
}
