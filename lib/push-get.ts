/**
 * The push.get use case: validate the query, load what the notification needs in two sequential
 * store steps (the message, then everything else at once), check access, build the answer.
 */
import { decideRoomAccess, type AccessDecision, type AccessFacts } from './access';
import type { Message, Receiver, Room, Sender, Subscription, TeamFacts } from './domain';
import { MessageNotFound, NotAllowed, RoomNotFound, SenderNotFound } from './errors';
import { buildNotification, type Notification } from './notification/build';
import type { MessageAbsence } from './reasons';
import type { Permissions, PushSettings } from './settings';

export interface DeploymentConfig {
  settings: PushSettings;
  permissions: Permissions;
}

/** Everything the use case needs once it knows the message's room, read in one step. */
export interface MessageContext {
  room?: Room;
  subscription?: Subscription;
  sender?: Sender;
  badge: number;
  config: DeploymentConfig;
}

/** The use case's port: what it reads from a store (lib/store/dynamo-store.ts implements it). */
export interface PushGetStore {
  /** The message, read consistently (the push arrives right after it was written), or why there is none. */
  findMessage(messageId: string): Promise<Message | { absent: MessageAbsence }>;
  /** Room, the receiver's subscription, the sender, the badge and the deployment's settings and permissions. */
  messageContext(message: Message, receiverId: string, senderId: string | undefined): Promise<MessageContext>;
  /** A room and the user's subscription to it (discussion parents, team main rooms). */
  roomWithSubscription(rid: string, userId: string): Promise<{ room?: Room; subscription?: Subscription }>;
  subscription(userId: string, rid: string): Promise<Subscription | undefined>;
  /** The team's type and whether the user is a member (channels of teams only). */
  teamFacts(teamId: string, userId: string): Promise<TeamFacts>;
  /** Whether the agent serves the department (closed omnichannel rooms only). */
  isDepartmentAgent(departmentId: string, agentId: string): Promise<boolean>;
}

export interface PushGetAnswer {
  data: { message: Message['document']; notification: Notification };
  success: true;
}

/** What the use case found on its way, for `npm run explain`; the functions pass none. */
export interface PushGetTrace {
  message?: Message;
  context?: MessageContext;
  access?: AccessDecision;
}

export async function getPushNotification(store: PushGetStore, receiver: Receiver, messageId: string, trace?: PushGetTrace): Promise<PushGetAnswer> {
  const message = await store.findMessage(messageId);
  if ('absent' in message) {
    throw new MessageNotFound(message.absent);
  }
  const senderId = senderIdOf(message);
  const context = await store.messageContext(message, receiver.id, senderId);
  if (trace) Object.assign(trace, { message, context });
  const { room, subscription, sender, badge, config } = context;
  if (!room) {
    throw new RoomNotFound();
  }
  const access = await decideRoomAccess(room, receiver, config.permissions, accessFacts(store, receiver.id, room, subscription));
  if (trace) trace.access = access;
  if (!access.allowed) {
    throw new NotAllowed(access.reason);
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
  const subscriptions = new Map<string, Subscription | undefined>([[room.id, subscription]]);
  const subscriptionTo = async (rid: string) => {
    if (!subscriptions.has(rid)) {
      subscriptions.set(rid, await store.subscription(userId, rid));
    }
    return subscriptions.get(rid);
  };
  return {
    isSubscribed: async (rid) => hasJoined(await subscriptionTo(rid)),
    isBanned: async (rid) => (await subscriptionTo(rid))?.banned === true,
    async room(rid) {
      const parent = await store.roomWithSubscription(rid, userId);
      subscriptions.set(rid, parent.subscription);
      return parent.room;
    },
    team: (teamId) => store.teamFacts(teamId, userId),
    isDepartmentAgent: (departmentId) => store.isDepartmentAgent(departmentId, userId),
  };
}

/**
 * Rocket.Chat counts only a subscription without a status as joined: a pending invitation is not
 * yet a membership, a ban no longer one.
 */
function hasJoined(subscription: Subscription | undefined): boolean {
  return subscription !== undefined && !subscription.invited && !subscription.banned;
}
