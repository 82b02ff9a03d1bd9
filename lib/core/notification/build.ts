import type { Json } from '../domain';
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
    gcm: { style: 'inbox', image: assetUrl(siteUrl, settings.favicon192) },
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
  if (!settings.showUsernameRoom || !isGroupChat(room)) {
    return '';
  }
  // Rocket.Chat titles a group chat `#` + its room-type name, `#` alone when that name is missing.
  return `#${roomName(room, subscription, settings) ?? ''}`;
}

/** Rocket.Chat's room-type `isGroupChat`: channels and groups always, direct rooms above two members. */
function isGroupChat(room: Room): boolean {
  return room.t === 'c' || room.t === 'p' || (room.t === 'd' && (room.uidsCount ?? 0) > 2);
}

/** Rocket.Chat's room-type `roomName` directives for the group chat types (no fallbacks of our own). */
function roomName(room: Room, subscription: Subscription | undefined, settings: PushSettings): string | undefined {
  if (room.t === 'd') {
    // A group DM usually has no name of its own: the receiver's subscription names it.
    const names = room.fname || room.name ? room : subscription;
    return settings.useRealName && room.fname ? names?.fname : names?.name;
  }
  if (room.prid || room.federated) {
    return room.fname;
  }
  return settings.allowSpecialCharsInRoomNames ? room.fname || room.name : room.name;
}

function messageBody({ message, receiver, settings }: NotificationInput): string {
  const doc = message.document;
  const language = receiver.language || settings.language;
  if (!settings.showMessage) {
    return translate('You_have_a_new_message', language);
  }
  const msg = typeof doc.msg === 'string' ? doc.msg : '';
  const firstAttachment = Array.isArray(doc.attachments) ? doc.attachments[0] : undefined;
  // Only a file upload has upload wording; quotes and bot attachments fall through to the text.
  if (!msg && isObject(firstAttachment) && firstAttachment.type === 'file') {
    const isImage = 'image_url' in firstAttachment && Boolean(firstAttachment.image_type);
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

/** Rocket.Chat offers no Reply to a receiver without username, in a read-only room, or when muted. */
function isReplyBlocked(room: Room, receiver: Receiver): boolean {
  return !receiver.username || room.ro === true || (room.muted ?? []).includes(receiver.username);
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

/**
 * Rocket.Chat's `getURL(path, { full: true })` for an asset: an absolute URL (http(s) or data:) as
 * it is, else `<Site_Url>/<path>` with the path's own leading and trailing slashes dropped.
 */
function assetUrl(siteUrl: string, path: string): string {
  if (/^(?:https?:\/\/|data:)/.test(path)) {
    return path;
  }
  const [file = '', query] = path.trim().split(/\?(.*)/s);
  const trimmed = file.trim().replace(/^\/+|\/+$/g, '');
  return `${siteUrl}/${trimmed}${query ? `?${query}` : ''}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keys whose value is undefined are left out of the JSON, never sent as null. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
