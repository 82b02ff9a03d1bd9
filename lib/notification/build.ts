import type { Json } from '../ejson';
import type { Message, Receiver, Room, Sender, Subscription } from '../domain';
import type { PushSettings } from '../settings';
import { shortnamesToUnicode } from './emoji';
import { translate } from './i18n';
import { stripMarkdown } from './markdown';
import { notificationId } from './notid';

export interface NotificationInput {
  message: Message;
  room: Room;
  receiver: Receiver;
  /** The receiver's subscription to the room, if any (its names title group DMs). */
  subscription?: Subscription;
  sender: Sender;
  badge: number;
  settings: PushSettings;
}

export interface NotificationPayload {
  host: string;
  messageId: string;
  notificationType: 'message';
  rid: string;
  sender: { _id: string; username?: string; name?: string };
  senderName: string;
  type: string;
  name?: string;
  messageType?: string;
  tmid?: string;
  msg?: Json;
  content?: Json;
}

export interface Notification {
  from: 'push';
  badge: number;
  sound: 'default';
  priority: 10;
  title: string;
  text: string;
  payload: NotificationPayload;
  userId: string;
  notId: number;
  gcm: { style: 'inbox'; image: string };
  apn: { category: 'MESSAGE' | 'MESSAGE_NOREPLY' };
}

/** Builds `data.notification` as Rocket.Chat's push.get does; key order is part of the contract. */
export function buildNotification(input: NotificationInput): Notification {
  const { message, room, receiver, settings } = input;
  const doc = message.document;
  const senderName = senderDisplayName(input);
  const roomName = roomDisplayName(input);
  const body = messageBody(input);
  const siteUrl = withoutTrailingSlash(settings.siteUrl);
  return {
    from: 'push',
    badge: input.badge,
    sound: 'default',
    priority: 10,
    title: roomName || senderName,
    text: roomName ? `${senderName}: ${body}` : body,
    payload: dropUndefined({
      host: `${siteUrl}/`,
      messageId: message.id,
      notificationType: 'message',
      rid: message.rid,
      sender: dropUndefined({ _id: stringField(senderOf(doc), '_id') ?? input.sender.id, username: stringField(senderOf(doc), 'username'), name: stringField(senderOf(doc), 'name') }),
      senderName,
      type: room.t,
      // Rocket.Chat blanks the name for every room type when room and user names are hidden.
      name: settings.showUsernameRoom ? room.name : '',
      messageType: stringField(doc, 't'),
      tmid: stringField(doc, 'tmid'),
      // A null msg or content is left out like an absent one (Rocket.Chat sends content only when set).
      ...(doc.t === 'e2e' ? { msg: doc.msg ?? undefined, content: doc.content ?? undefined } : {}),
    }),
    userId: stringField(senderOf(doc), '_id') ?? input.sender.id,
    notId: notificationId(settings.uniqueId, message.rid),
    gcm: { style: 'inbox', image: `${siteUrl}/images/logo/android-chrome-192x192.png` },
    apn: { category: isReplyBlocked(room, receiver) ? 'MESSAGE_NOREPLY' : 'MESSAGE' },
  };
}

function senderDisplayName({ sender, settings }: NotificationInput): string {
  if (!settings.showUsernameRoom) {
    return '';
  }
  return (settings.useRealName && sender.name) || sender.username || '';
}

function roomDisplayName({ room, subscription, settings }: NotificationInput): string {
  if (!settings.showUsernameRoom) {
    return '';
  }
  const name = groupChatName(room, subscription, settings);
  return name ? `#${name}` : '';
}

/** The name of a group chat (channel, group, group DM); undefined for a 1:1 DM. */
function groupChatName(room: Room, subscription: Subscription | undefined, settings: PushSettings): string | undefined {
  if (room.prid) {
    return room.fname ?? room.name;
  }
  if (room.t === 'c' || room.t === 'p') {
    return settings.allowSpecialCharsInRoomNames ? (room.fname ?? room.name) : (room.name ?? room.fname);
  }
  if (room.t === 'd' && (room.uidsCount ?? 0) > 2) {
    return settings.useRealName ? (subscription?.fname ?? subscription?.name) : (subscription?.name ?? subscription?.fname);
  }
  return undefined;
}

function messageBody({ message, receiver, settings }: NotificationInput): string {
  const doc = message.document;
  const language = receiver.language ?? settings.language;
  if (!settings.showMessage) {
    return translate('You_have_a_new_message', language);
  }
  const msg = typeof doc.msg === 'string' ? doc.msg : '';
  const firstAttachment = Array.isArray(doc.attachments) ? doc.attachments[0] : undefined;
  if (!msg && firstAttachment !== undefined) {
    const isImage = isObject(firstAttachment) && Boolean(firstAttachment.image_type);
    return translate(isImage ? 'Uploaded_an_image' : 'Uploaded_a_file', language);
  }
  if (doc.t === 'e2e' && msg) {
    return translate('Encrypted_message', language);
  }
  let text = shortnamesToUnicode(msg);
  if (settings.useRealName) {
    text = withMentionNames(text, doc.mentions);
  }
  return stripMarkdown(text);
}

/** `@username` → the mentioned user's name, as carried in `message.mentions`. */
function withMentionNames(text: string, mentions: Json | undefined): string {
  if (!Array.isArray(mentions)) {
    return text;
  }
  let result = text;
  for (const mention of mentions) {
    const username = stringField(mention, 'username');
    const name = stringField(mention, 'name');
    if (username && name) {
      // Not inside a longer username: `@bob` must not touch `@bobby` or `@bob.smith`; a dot that
      // ends a sentence (`thanks @bob.`) is punctuation, not part of the username.
      const pattern = new RegExp(`@${escapeRegExp(username)}(?![\\w-]|\\.[\\w-])`, 'g');
      result = result.replace(pattern, () => name);
    }
  }
  return result;
}

function isReplyBlocked(room: Room, receiver: Receiver): boolean {
  return room.ro === true || (receiver.username !== undefined && (room.muted ?? []).includes(receiver.username));
}

function senderOf(doc: Message['document']): Json | undefined {
  return doc.u;
}

function stringField(value: Json | undefined, key: string): string | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keys whose value is undefined are left out of the JSON, never sent as null. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
