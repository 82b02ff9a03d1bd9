/**
 * The push.get use case: validate the query, load what the notification needs in two sequential
 * store steps (the message, then everything else at once), check access, build the answer.
 */
import { canAccessRoom, type AccessFacts } from './access';
import type { Message, Receiver, Room, Subscription } from './domain';
import { BadRequest, MessageNotFound, NotAllowed, RoomNotFound, SenderNotFound } from './errors';
import { buildNotification, type Notification } from './notification/build';
import type { DynamoStore } from './store/dynamo-store';

export type PushGetStore = Pick<DynamoStore, 'message' | 'messageContext' | 'roomWithSubscription' | 'subscription' | 'teamFacts' | 'isDepartmentAgent'>;

export interface PushGetAnswer {
  data: { message: Message['document']; notification: Notification };
  success: true;
}

/** Query parameters as API Gateway (REST, v1 events) hands them over. */
export interface QueryParameters {
  single: Record<string, string | undefined> | null;
  multi: Record<string, string[] | undefined> | null;
}

/** `id[]`, `id[0]`, `id[a][b]`: the query-string parser makes these an array or object; `id[` stays a plain key. */
const BRACKETED_ID = /^id\[[^\]]*\]/;

/**
 * Rocket.Chat's `check(params, { id: String })` after its query-string parser: a repeated `id` or
 * `id[...]` keys make an array or object, which is refused as "object".
 */
export function messageIdFrom(query: QueryParameters): string {
  const keys = new Set([...Object.keys(query.single ?? {}), ...Object.keys(query.multi ?? {})]);
  const structured = [...keys].some((key) => BRACKETED_ID.test(key)) || (query.multi?.id?.length ?? 0) > 1;
  const id = query.single?.id ?? query.multi?.id?.[0];
  if (id === undefined && !structured) {
    throw new BadRequest("Match error: Missing key 'id'");
  }
  if (structured || typeof id !== 'string') {
    throw new BadRequest('Match error: Expected string, got object in field id');
  }
  return id;
}

export async function getPushNotification(store: PushGetStore, receiver: Receiver, messageId: string): Promise<PushGetAnswer> {
  const message = await store.message(messageId);
  if (!message) {
    throw new MessageNotFound();
  }
  const senderId = senderIdOf(message);
  const context = await store.messageContext(message, receiver.id, senderId);
  const { room, subscription, sender, badge, config } = context;
  if (!room) {
    throw new RoomNotFound();
  }
  if (!(await canAccessRoom(room, receiver, config.permissions, accessFacts(store, receiver.id, room, subscription)))) {
    throw new NotAllowed();
  }
  if (!sender) {
    throw new SenderNotFound();
  }
  const notification = buildNotification({ message, room, receiver, subscription, sender, badge, settings: config.settings });
  return { data: { message: message.document, notification }, success: true };
}

/** Undefined when the message names no sender: then there is no sender record either. */
function senderIdOf(message: Message): string | undefined {
  const u = message.document.u;
  const id = u !== null && typeof u === 'object' && !Array.isArray(u) ? u._id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Access facts beyond the prefetched subscription; each costs a read and is asked only if needed. */
function accessFacts(store: PushGetStore, userId: string, room: Room, subscription: Subscription | undefined): AccessFacts {
  const subscribed = new Map<string, boolean>([[room.id, hasJoined(subscription)]]);
  return {
    async isSubscribed(rid) {
      if (!subscribed.has(rid)) {
        subscribed.set(rid, hasJoined(await store.subscription(userId, rid)));
      }
      return subscribed.get(rid)!;
    },
    async room(rid) {
      const parent = await store.roomWithSubscription(rid, userId);
      subscribed.set(rid, hasJoined(parent.subscription));
      return parent.room;
    },
    team: (teamId) => store.teamFacts(teamId, userId),
    isDepartmentAgent: (departmentId) => store.isDepartmentAgent(departmentId, userId),
  };
}

/** A pending invitation is a subscription, but not yet a membership. */
function hasJoined(subscription: Subscription | undefined): boolean {
  return subscription !== undefined && !subscription.invited;
}
