/**
 * A generated, Rocket.Chat-shaped data set (the documents `mongoexport` would give, after the
 * Extended JSON reader: dates as ISO strings), deterministic for a seed, and its loader, which
 * writes through the same mapping and store as the import (`itemsForDocument` → `putItems`).
 */
import { prng } from './support/prng';
import { hashLoginToken } from '../lib/auth';
import type { DynamoStore } from '../lib/store/dynamo-store';
import { itemsForDocument, type Collection, type Document } from '../lib/store/items';
import type { Json } from '../lib/ejson';

export interface DatasetShape {
  /** Users who send the messages. */
  senders: number;
  /** Rooms; the subscription-scale receivers subscribe to the first N of them. */
  rooms: number;
  /** Rooms the main receiver is subscribed to (the measured messages are in these). */
  receiverRooms: number;
  /** Subscription counts of the scale receivers (one receiver per count and unread profile). */
  subscriptionCounts: number[];
  /** Unread subscriptions of the "few unread" scale receivers. */
  fewUnread: number;
}

export interface Credentials {
  userId: string;
  /** The raw token the phone would send; only its hash is stored. */
  token: string;
}

export type UnreadProfile = 'all' | 'few';

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
const WORDS = (
  'the release build is green again can someone review my pull request before lunch ' +
  'meeting moved to three deploy finished without errors please check the dashboard ' +
  'thanks for the quick fix I will look at the logs tomorrow morning'
).split(' ');
const EMOJI = [':smile:', ':rocket:', ':tada:', ':thumbsup:', ':eyes:'];
const EPOCH = Date.parse('2024-01-01T00:00:00.000Z');

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** A Meteor-style 17-character id, derived from a label so that it is stable across runs. */
function meteorId(label: string): string {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  const random = prng(h);
  let id = '';
  for (let i = 0; i < 17; i++) id += ID_ALPHABET.charAt(Math.floor(random() * ID_ALPHABET.length));
  return id;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class BenchDataset {
  readonly receiver: Credentials;

  constructor(
    readonly shape: DatasetShape,
    private readonly seed = 42,
  ) {
    this.receiver = { userId: meteorId(`receiver:${seed}`), token: `bench-receiver-token-${seed}` };
  }

  senderId(index: number): string {
    return meteorId(`sender:${this.seed}:${index}`);
  }

  roomId(index: number): string {
    return meteorId(`room:${this.seed}:${index}`);
  }

  messageId(index: number): string {
    return meteorId(`message:${this.seed}:${index}`);
  }

  scaleReceiver(subscriptions: number, profile: UnreadProfile): Credentials {
    return { userId: meteorId(`scale:${this.seed}:${subscriptions}:${profile}`), token: `bench-scale-${subscriptions}-${profile}` };
  }

  /** Expected badge of a scale receiver: every subscription has unread 1 when unread. */
  expectedBadge(subscriptions: number, profile: UnreadProfile): number {
    return profile === 'all' ? subscriptions : Math.min(subscriptions, this.shape.fewUnread);
  }

  /** Room of message `index`: every 4th message is in one of the main receiver's rooms. */
  messageRoomIndex(index: number): number {
    const random = prng(this.seed * 7919 + index);
    return index % 4 === 0 ? Math.floor(random() * this.shape.receiverRooms) : Math.floor(random() * this.shape.rooms);
  }

  /** Ids of messages among the first `total` that the main receiver may read, spread over the range. */
  receiverMessageIds(total: number, count: number): string[] {
    const ids: string[] = [];
    const stride = Math.max(4, Math.floor(total / count / 4) * 4);
    for (let index = 0; index < total && ids.length < count; index += stride) {
      ids.push(this.messageId(index));
    }
    return ids;
  }

  /** Ids of up to `count` messages among the first `total` that are in room `roomIndex`. */
  messageIdsInRoom(roomIndex: number, total: number, count: number): string[] {
    const ids: string[] = [];
    for (let index = 0; index < total && ids.length < count; index++) {
      if (this.messageRoomIndex(index) === roomIndex) ids.push(this.messageId(index));
    }
    return ids;
  }

  /** Everything but the messages. */
  baseDocuments(): [Collection, Document[]][] {
    return [
      ['rocketchat_settings', this.settings()],
      [
        'rocketchat_permissions',
        [
          { _id: 'view-c-room', roles: ['admin', 'user', 'bot', 'app', 'anonymous'] },
          { _id: 'view-livechat-rooms', roles: ['admin', 'livechat-manager', 'livechat-monitor'] },
        ],
      ],
      ['users', this.users()],
      ['rocketchat_room', this.rooms()],
      ['rocketchat_subscription', this.subscriptions()],
    ];
  }

  private settings(): Document[] {
    return [
      { _id: 'Site_Url', value: 'https://chat.example.com', type: 'string' },
      { _id: 'uniqueID', value: `bench${this.seed}`, type: 'string' },
      { _id: 'Push_show_username_room', value: true, type: 'boolean' },
      { _id: 'Push_show_message', value: true, type: 'boolean' },
      { _id: 'UI_Use_Real_Name', value: false, type: 'boolean' },
      { _id: 'UI_Allow_room_names_with_special_chars', value: false, type: 'boolean' },
      { _id: 'Accounts_LoginExpiration', value: 90, type: 'int' },
      { _id: 'Language', value: '', type: 'language' },
    ];
  }

  private user(id: string, username: string, name: string, token: string | undefined, random: () => number): Document {
    const now = Date.now();
    // A few resume tokens from recent logins, as a real account has, plus the bench's own.
    const loginTokens: Json[] = Array.from({ length: 3 }, (_, i) => ({
      when: iso(now - (i + 1) * 86_400_000),
      hashedToken: hashLoginToken(`${id}-login-${i}`),
    }));
    if (token) {
      loginTokens.push({ hashedToken: hashLoginToken(token), type: 'personalAccessToken', name: 'bench', createdAt: iso(EPOCH) });
    }
    return {
      _id: id,
      createdAt: iso(EPOCH),
      username,
      name,
      type: 'user',
      active: true,
      roles: ['user'],
      status: random() < 0.3 ? 'online' : 'offline',
      utcOffset: 0,
      emails: [{ address: `${username}@example.com`, verified: true }],
      settings: { preferences: { enableAutoAway: true } },
      services: { resume: { loginTokens }, password: { bcrypt: '$2b$10$' + 'x'.repeat(53) } },
    };
  }

  private users(): Document[] {
    const random = prng(this.seed);
    const docs: Document[] = [this.user(this.receiver.userId, 'bench.receiver', 'Bench Receiver', this.receiver.token, random)];
    for (let i = 0; i < this.shape.senders; i++) {
      docs.push(this.user(this.senderId(i), `sender.${i}`, `Sender Number ${i}`, undefined, random));
    }
    for (const count of this.shape.subscriptionCounts) {
      for (const profile of ['all', 'few'] as const) {
        const { userId, token } = this.scaleReceiver(count, profile);
        docs.push(this.user(userId, `scale.${count}.${profile}`, `Scale ${count} ${profile}`, token, random));
      }
    }
    return docs;
  }

  /** Room types cycle channel, private group, direct: all three of the common notification paths. */
  roomType(index: number): 'c' | 'p' | 'd' {
    return (['c', 'p', 'd'] as const)[index % 3]!;
  }

  private rooms(): Document[] {
    const docs: Document[] = [];
    for (let i = 0; i < this.shape.rooms; i++) {
      const t = this.roomType(i);
      const base: Document = {
        _id: this.roomId(i),
        t,
        ts: iso(EPOCH),
        msgs: 100 + i,
        usersCount: t === 'd' ? 2 : 25,
        _updatedAt: iso(EPOCH + i * 1000),
        lastMessage: { _id: this.messageId(i), msg: 'last message', ts: iso(EPOCH) },
      };
      if (t === 'd') {
        const sender = i % this.shape.senders;
        docs.push({ ...base, uids: [this.receiver.userId, this.senderId(sender)], usernames: ['bench.receiver', `sender.${sender}`] });
      } else {
        docs.push({ ...base, name: `room-${i}`, fname: `Room ${i}`, u: { _id: this.senderId(0), username: 'sender.0' }, ro: false, default: false });
      }
    }
    return docs;
  }

  private subscription(userId: string, username: string, roomIndex: number, unread: number, archived = false): Document {
    const t = this.roomType(roomIndex);
    return {
      _id: meteorId(`sub:${this.seed}:${userId}:${roomIndex}`),
      rid: this.roomId(roomIndex),
      u: { _id: userId, username },
      t,
      name: t === 'd' ? `sender.${roomIndex % this.shape.senders}` : `room-${roomIndex}`,
      fname: t === 'd' ? `Sender Number ${roomIndex % this.shape.senders}` : `Room ${roomIndex}`,
      open: true,
      alert: unread > 0,
      unread,
      userMentions: 0,
      groupMentions: 0,
      ts: iso(EPOCH),
      ls: iso(EPOCH),
      _updatedAt: iso(EPOCH),
      ...(archived ? { archived: true } : {}),
    };
  }

  private subscriptions(): Document[] {
    const docs: Document[] = [];
    // Main receiver: every 3rd room unread, one archived room with unread (not in the badge).
    for (let i = 0; i < this.shape.receiverRooms; i++) {
      docs.push(this.subscription(this.receiver.userId, 'bench.receiver', i, i % 3 === 0 ? (i % 7) + 1 : 0, i === 3));
    }
    for (let s = 0; s < this.shape.senders; s++) {
      for (let k = 0; k < 5; k++) {
        docs.push(this.subscription(this.senderId(s), `sender.${s}`, (s * 5 + k) % this.shape.rooms, k % 2));
      }
    }
    for (const count of this.shape.subscriptionCounts) {
      for (const profile of ['all', 'few'] as const) {
        const { userId } = this.scaleReceiver(count, profile);
        const unreadUpTo = this.expectedBadge(count, profile);
        for (let i = 0; i < count; i++) {
          docs.push(this.subscription(userId, `scale.${count}.${profile}`, i, i < unreadUpTo ? 1 : 0));
        }
      }
    }
    return docs;
  }

  /** Messages `from` (inclusive) to `to` (exclusive); message `i` is always the same document. */
  messages(from: number, to: number): Document[] {
    const docs: Document[] = [];
    for (let index = from; index < to; index++) docs.push(this.message(index));
    return docs;
  }

  private message(index: number): Document {
    const random = prng(this.seed * 104729 + index);
    const roomIndex = this.messageRoomIndex(index);
    const sender = this.roomType(roomIndex) === 'd' ? roomIndex % this.shape.senders : Math.floor(random() * this.shape.senders);
    const words = Array.from({ length: 4 + Math.floor(random() * 30) }, () => pick(random, WORDS));
    if (random() < 0.3) words.push(pick(random, EMOJI));
    if (random() < 0.2) words.splice(1, 1, `*${words[1]}*`);
    const mention = random() < 0.15;
    if (mention) words.unshift('@bench.receiver');
    const msg = words.join(' ');
    const ts = EPOCH + index * 1000;
    const doc: Document = {
      _id: this.messageId(index),
      rid: this.roomId(roomIndex),
      msg,
      ts: iso(ts),
      u: { _id: this.senderId(sender), username: `sender.${sender}`, name: `Sender Number ${sender}` },
      urls: [],
      mentions: mention ? [{ _id: this.receiver.userId, username: 'bench.receiver', name: 'Bench Receiver', type: 'user' }] : [],
      channels: [],
      md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: msg }] }],
      _updatedAt: iso(ts + 20),
    };
    if (random() < 0.1) doc.tmid = this.messageId(Math.max(0, index - 4));
    if (random() < 0.05) {
      doc.attachments = [{ title: 'report.pdf', type: 'file', title_link: '/file-upload/abc/report.pdf', title_link_download: true }];
      doc.file = { _id: meteorId(`file:${index}`), name: 'report.pdf', type: 'application/pdf' };
    }
    return doc;
  }
}

/**
 * Writes documents as the import does, through the import's own mapping (`itemsForDocument`) and
 * store (`DynamoStore.putItems`, BatchWriteItem with retries), several batches at a time, into a
 * fresh table, so there is nothing to replace. Returns items per entity.
 */
export async function loadDocuments(store: DynamoStore, collection: Collection, docs: Document[]): Promise<Record<string, number>> {
  // 250 items per `putItems` call (it writes 25 at a time, one BatchWriteItem after the other), 8 calls in flight.
  const chunk = 250;
  const concurrency = 8;
  const items = docs.flatMap((doc) => itemsForDocument(collection, doc).items);
  const entities: Record<string, number> = {};
  for (const item of items) {
    const entity = item.sk.replace(/#.*$/, '').toLowerCase();
    entities[entity] = (entities[entity] ?? 0) + 1;
  }
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, Math.ceil(items.length / chunk)) }, async () => {
    while (next < items.length) {
      const start = next;
      next += chunk;
      await store.putItems(items.slice(start, start + chunk));
    }
  });
  await Promise.all(lanes);
  return entities;
}
