/**
 * Every title/text rule of the spec end to end: a small mongoexport is imported into the run's
 * embedded DynamoDB, settings are changed by importing `rocketchat_settings` documents, and the
 * answer comes from `getPushNotification` over a real DynamoStore (no settings cache).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeExport } from '../support/exports';
import { hashLoginToken } from '../../lib/auth';
import type { Receiver } from '../../lib/domain';
import { MessageNotFound, NotAllowed } from '../../lib/errors';
import { importExport } from '../../lib/import/import-export';
import { notificationId } from '../../lib/notification/notid';
import { getPushNotification, type PushGetAnswer } from '../../lib/push-get';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { toAuthUser } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import { ChangeApplier } from '../../lib/sync/apply';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { ChangeLog } from '../../testkit/change-events';
import { countRequests, freshTable, testClient } from '../support/dynamo';

const UNIQUE_ID = 'RulesServer7Xy2Q';

// ---- the export ----

const date = (iso: string) => ({ $date: iso });
const user = (id: string, username: string, name: string, extra: object = {}) => ({
  _id: id,
  createdAt: date('2024-01-01T00:00:00.000Z'),
  username,
  name,
  type: 'user',
  active: true,
  roles: ['user'],
  services: { resume: { loginTokens: [{ hashedToken: hashLoginToken(`token-${username}`), type: 'personalAccessToken', name: 'test' }] } },
  ...extra,
});

const USERS = [
  user('rodriqId', 'rodriq', 'Rodriq'),
  user('aliceId', 'alice', 'Alice Liddell'),
  user('bobId', 'bob', 'Bob Builder'),
  user('hansId', 'hans', 'Hans Meier', { language: 'de' }),
  user('bobbyId', 'bobby', 'Bobby Tables'),
];

const ROOMS = [
  { _id: 'generalRid', t: 'c', name: 'general', fname: 'General Chat', uids: ['x'], msgs: 3 },
  { _id: 'designRid', t: 'p', name: 'design', fname: 'Design Team' },
  { _id: 'aliceIdrodriqId', t: 'd', uids: ['aliceId', 'rodriqId'], usernames: ['alice', 'rodriq'] },
  { _id: 'groupDmRid', t: 'd', uids: ['rodriqId', 'aliceId', 'bobId'], usernames: ['rodriq', 'alice', 'bob'] },
  { _id: 'discussionRid', t: 'p', name: 'disc-release', fname: 'Release planning', prid: 'generalRid' },
  { _id: 'announceRid', t: 'c', name: 'announcements', fname: 'Announcements', ro: true },
  { _id: 'mutedRid', t: 'p', name: 'quiet', fname: 'Quiet', muted: ['rodriq'] },
  { _id: 'archivedRid', t: 'p', name: 'old-project', fname: 'Old project' },
  { _id: 'fnameOnlyRid', t: 'p', fname: 'Only Fname' },
  { _id: 'federatedRid', t: 'c', name: 'fed-a1b2', fname: 'Matrix room', federated: true },
  { _id: 'namedGroupDmRid', t: 'd', fname: 'Lunch crew', uids: ['rodriqId', 'aliceId', 'bobId'], usernames: ['rodriq', 'alice', 'bob'] },
];

const sub = (id: string, userId: string, username: string, rid: string, t: string, unread: number, extra: object = {}) => ({
  _id: id,
  rid,
  u: { _id: userId, username },
  t,
  open: true,
  alert: unread > 0,
  unread,
  ts: date('2024-01-01T00:00:00.000Z'),
  ...extra,
});

const SUBSCRIPTIONS = [
  sub('s1', 'rodriqId', 'rodriq', 'generalRid', 'c', 2, { name: 'general', fname: 'General Chat' }),
  sub('s2', 'rodriqId', 'rodriq', 'designRid', 'p', 3, { name: 'design', fname: 'Design Team' }),
  sub('s3', 'rodriqId', 'rodriq', 'aliceIdrodriqId', 'd', 0, { name: 'alice', fname: 'Alice Liddell' }),
  sub('s4', 'rodriqId', 'rodriq', 'groupDmRid', 'd', 1, { name: 'alice, bob', fname: 'Alice Liddell, Bob Builder' }),
  sub('s5', 'rodriqId', 'rodriq', 'archivedRid', 'p', 5, { name: 'old-project', archived: true, open: false }),
  sub('s6', 'rodriqId', 'rodriq', 'announceRid', 'c', { $numberInt: '0' } as unknown as number, { name: 'announcements' }),
  sub('s7', 'rodriqId', 'rodriq', 'mutedRid', 'p', 0, { name: 'quiet' }),
  sub('s8', 'hansId', 'hans', 'generalRid', 'c', 4, { name: 'general' }),
  sub('s9', 'hansId', 'hans', 'aliceIdhansId', 'd', 0, { name: 'alice' }),
  sub('s10', 'rodriqId', 'rodriq', 'fnameOnlyRid', 'p', 0, { fname: 'Only Fname' }),
  sub('s11', 'rodriqId', 'rodriq', 'federatedRid', 'c', 0, { name: 'fed-a1b2', fname: 'Matrix room' }),
  sub('s12', 'rodriqId', 'rodriq', 'namedGroupDmRid', 'd', 0, { name: 'alice, bob', fname: 'Alice Liddell, Bob Builder' }),
];

const ALICE_U = { _id: 'aliceId', username: 'alice', name: 'Alice Liddell' };
const BOB_U = { _id: 'bobId', username: 'bob', name: 'Bob Builder' };
const msg = (id: string, rid: string, text: string | undefined, extra: object = {}, u: object = ALICE_U) => ({
  _id: id,
  rid,
  ...(text === undefined ? {} : { msg: text }),
  ts: date('2024-05-01T10:00:00.000Z'),
  u,
  urls: [],
  mentions: [],
  channels: [],
  _updatedAt: { $date: { $numberLong: String(Date.parse('2024-05-01T10:00:00.123Z')) } },
  ...extra,
});

const MESSAGES = [
  msg('mGeneral', 'generalRid', 'hello *team* :smile:'),
  msg('mDesign', 'designRid', 'New mockups'),
  msg('mDm', 'aliceIdrodriqId', 'Lunch? :pizza:'),
  msg('mGroupDm', 'groupDmRid', 'see `plan.md`', {}, BOB_U),
  msg('mDiscussion', 'discussionRid', 'Ship on Friday?'),
  msg('mImage', 'generalRid', '', { attachments: [{ title: 'cat.png', image_url: '/file-upload/f1/cat.png', image_type: 'image/png', type: 'file' }] }),
  msg('mFile', 'aliceIdrodriqId', undefined, {
    attachments: [{ title: 'report.pdf', title_link: '/file-upload/f2/report.pdf', type: 'file' }],
    file: { _id: 'f2', name: 'report.pdf', type: 'application/pdf' },
  }),
  msg('mE2e', 'aliceIdrodriqId', 'a1b2c3encrypted', { t: 'e2e', e2e: 'pending', content: { algorithm: 'rc.v1.aes-sha2', ciphertext: 'Q2lwaGVy' } }),
  msg('mMarkdown', 'generalRid', '# Heads up\n> quoted\n~old~ _new_ [docs](https://docs.example.com) <https://x.example.com|site> `npm test`'),
  msg('mMention', 'generalRid', 'ping @rodriq and @bobby, not @bob.smith; thanks @bob.', {
    mentions: [
      { _id: 'rodriqId', username: 'rodriq', name: 'Rodriq', type: 'user' },
      { _id: 'bobId', username: 'bob', name: 'Bob Builder', type: 'user' },
    ],
  }),
  msg('mThread', 'generalRid', 'a reply', { tmid: 'mGeneral' }),
  msg('mReadOnly', 'announceRid', 'Office closed'),
  msg('mMuted', 'mutedRid', 'shh'),
  msg('mArchived', 'archivedRid', 'from the past'),
  msg('mHidden', 'generalRid', 'old version', { _hidden: true, parent: 'mGeneral' }),
  msg('mRemoved', 'generalRid', '', { t: 'rm' }),
  msg('mFnameOnly', 'fnameOnlyRid', 'hi'),
  msg('mFederated', 'federatedRid', 'hi'),
  msg('mNamedGroupDm', 'namedGroupDmRid', 'hi'),
  msg('mQuote', 'generalRid', '', { attachments: [{ text: 'the quoted message', message_link: 'http://localhost:3000/channel/general?msg=mGeneral', author_name: 'alice' }] }),
];

const BASE_SETTINGS: Record<string, unknown> = {
  Site_Url: 'http://localhost:3000',
  uniqueID: UNIQUE_ID,
  Push_show_username_room: true,
  Push_show_message: true,
  UI_Use_Real_Name: false,
  UI_Allow_room_names_with_special_chars: false,
  Accounts_LoginExpiration: { $numberInt: '90' },
  Language: '',
  Site_Name: 'not used',
};

// ---- the table ----

let client: DynamoDBDocumentClient;
let store: DynamoStore;
let tableName: string;
let root: string;
let exports = 0;

/** A new, empty export directory under the run's temp root. */
async function nextExportDir(): Promise<string> {
  const dir = join(root, `export-${++exports}`);
  await mkdir(dir);
  return dir;
}

/** Imports the full settings set: the base values with `overrides`, as `rocketchat_settings` documents. */
async function useSettings(overrides: Record<string, unknown> = {}): Promise<void> {
  const values = { ...BASE_SETTINGS, ...overrides };
  const docs = Object.entries(values).map(([id, value]) => ({ _id: id, value, type: typeof value, _updatedAt: date('2024-01-01T00:00:00.000Z') }));
  await importExport(store, await writeExport(await nextExportDir(), { rocketchat_settings: docs }));
}

/** The receiver as the authorizer builds it from the stored account. */
async function receiver(userId: string): Promise<Receiver> {
  const item = await store.rawItem(keys.user(userId));
  if (!item) throw new Error(`no user ${userId}`);
  const found = toAuthUser(userId, item);
  return { id: found.id, username: found.username, roles: found.roles, language: found.language };
}

async function push(userId: string, messageId: string): Promise<PushGetAnswer> {
  return getPushNotification(store, await receiver(userId), messageId);
}

async function titleAndText(userId: string, messageId: string): Promise<[string, string]> {
  const { notification } = (await push(userId, messageId)).data;
  return [notification.title, notification.text];
}

beforeAll(async () => {
  client = testClient();
  tableName = await freshTable(client, 'rules');
  store = new DynamoStore(client, { tableName, configCacheMs: 0 });
  root = await mkdtemp(join(tmpdir(), 'push-get-rules-'));
  await importExport(
    store,
    await writeExport(await nextExportDir(), {
      users: USERS,
      rocketchat_room: ROOMS,
      rocketchat_subscription: SUBSCRIPTIONS,
      rocketchat_message: MESSAGES,
      rocketchat_settings: Object.entries(BASE_SETTINGS).map(([id, value]) => ({ _id: id, value })),
    }),
  );
});

beforeEach(async () => {
  await useSettings();
});

afterAll(async () => {
  client?.destroy();
  if (root) await rm(root, { recursive: true, force: true });
});

// ---- the rules ----

describe('the answer', () => {
  it('returns the stored message whole, dates as ISO strings, and the notification in contract order', async () => {
    const answer = await push('rodriqId', 'mGeneral');
    expect(answer.success).toBe(true);
    expect(answer.data.message).toStrictEqual({
      _id: 'mGeneral',
      rid: 'generalRid',
      msg: 'hello *team* :smile:',
      ts: '2024-05-01T10:00:00.000Z',
      u: ALICE_U,
      urls: [],
      mentions: [],
      channels: [],
      _updatedAt: '2024-05-01T10:00:00.123Z',
    });
    const n = answer.data.notification;
    expect(Object.keys(n)).toEqual(['from', 'badge', 'sound', 'priority', 'title', 'text', 'payload', 'userId', 'notId', 'gcm', 'apn']);
    expect(n).toStrictEqual({
      from: 'push',
      badge: 6,
      sound: 'default',
      priority: 10,
      title: '#general',
      text: 'alice: hello team 😄',
      payload: {
        host: 'http://localhost:3000/',
        messageId: 'mGeneral',
        notificationType: 'message',
        rid: 'generalRid',
        sender: ALICE_U,
        senderName: 'alice',
        type: 'c',
        name: 'general',
      },
      userId: 'aliceId',
      notId: notificationId(UNIQUE_ID, 'generalRid'),
      gcm: { style: 'inbox', image: 'http://localhost:3000/images/logo/android-chrome-192x192.png' },
      apn: { category: 'MESSAGE' },
    });
    expect(JSON.stringify(answer)).not.toMatch(/null|undefined/);
  });

  it('notId follows the uniqueID setting and the room', async () => {
    await useSettings({ uniqueID: 'AnotherServer01' });
    const a = (await push('rodriqId', 'mGeneral')).data.notification.notId;
    const b = (await push('rodriqId', 'mThread')).data.notification.notId;
    const c = (await push('rodriqId', 'mDesign')).data.notification.notId;
    expect(a).toBe(notificationId('AnotherServer01', 'generalRid'));
    expect(b).toBe(a);
    expect(c).toBe(notificationId('AnotherServer01', 'designRid'));
    expect(c).not.toBe(a);
  });

  it('Site_Url with a path and a trailing slash: host with one slash, image without a double one', async () => {
    await useSettings({ Site_Url: 'https://chat.example.com/rc/' });
    const n = (await push('rodriqId', 'mGeneral')).data.notification;
    expect(n.payload.host).toBe('https://chat.example.com/rc/');
    expect(n.gcm.image).toBe('https://chat.example.com/rc/images/logo/android-chrome-192x192.png');
    await useSettings({ Site_Url: 'https://chat.example.com' });
    const m = (await push('rodriqId', 'mGeneral')).data.notification;
    expect(m.payload.host).toBe('https://chat.example.com/');
    expect(m.gcm.image).toBe('https://chat.example.com/images/logo/android-chrome-192x192.png');
  });

  it('thread replies carry tmid, typed messages messageType', async () => {
    const thread = (await push('rodriqId', 'mThread')).data.notification.payload;
    expect(thread.tmid).toBe('mGeneral');
    expect('messageType' in thread).toBe(false);
    const e2e = (await push('rodriqId', 'mE2e')).data.notification.payload;
    expect(e2e.messageType).toBe('e2e');
    expect('tmid' in e2e).toBe(false);
  });

  it('apn category: MESSAGE_NOREPLY in a read-only room and for a muted receiver', async () => {
    expect((await push('rodriqId', 'mReadOnly')).data.notification.apn).toStrictEqual({ category: 'MESSAGE_NOREPLY' });
    expect((await push('rodriqId', 'mMuted')).data.notification.apn).toStrictEqual({ category: 'MESSAGE_NOREPLY' });
    expect((await push('rodriqId', 'mDesign')).data.notification.apn).toStrictEqual({ category: 'MESSAGE' });
    expect((await push('bobId', 'mReadOnly')).data.notification.apn.category).toBe('MESSAGE_NOREPLY');
  });

  it('hidden edit-history copies are not found', async () => {
    await expect(push('rodriqId', 'mHidden')).rejects.toBeInstanceOf(MessageNotFound);
  });

  it('a removed message kept for "show deleted status" (t: rm) is answered like any other', async () => {
    const answer = await push('rodriqId', 'mRemoved');
    expect(answer.data.message).toMatchObject({ _id: 'mRemoved', t: 'rm', msg: '' });
    expect([answer.data.notification.title, answer.data.notification.text, answer.data.notification.payload.messageType]).toEqual(['#general', 'alice: ', 'rm']);
  });

  it('gcm.image follows the Assets_favicon_192 setting: uploaded url, else defaultUrl', async () => {
    await useSettings({ Site_Url: 'https://chat.example.com/rc', Assets_favicon_192: { url: 'assets/favicon_192.png', defaultUrl: 'images/logo/android-chrome-192x192.png' } });
    expect((await push('rodriqId', 'mGeneral')).data.notification.gcm.image).toBe('https://chat.example.com/rc/assets/favicon_192.png');
    await useSettings({ Assets_favicon_192: { defaultUrl: 'images/logo/android-chrome-192x192.png' } });
    expect((await push('rodriqId', 'mGeneral')).data.notification.gcm.image).toBe('http://localhost:3000/images/logo/android-chrome-192x192.png');
  });
});

describe('badge', () => {
  it('is the sum of unread over the non-archived subscriptions of the receiver', async () => {
    // rodriq: general 2 + design 3 + group DM 1; the archived 5 and the zeros do not count
    expect((await push('rodriqId', 'mGeneral')).data.notification.badge).toBe(6);
    expect((await push('hansId', 'mGeneral')).data.notification.badge).toBe(4);
  });

  it('is 0 for a receiver without subscriptions', async () => {
    const answer = await push('bobId', 'mGeneral');
    expect(answer.data.notification.badge).toBe(0);
  });

  it('follows subscription changes (read, archived, unarchived), applied as the relay applies them', async () => {
    const log = new ChangeLog();
    for (const doc of SUBSCRIPTIONS) log.existing('rocketchat_subscription', doc);
    const applier = new ChangeApplier(store);
    const apply = async (event: ChangeEvent) => expect((await applier.apply(event)).kind).toBe('applied');
    try {
      await apply(log.update('rocketchat_subscription', 's2', { unread: 0, alert: false }));
      expect((await push('rodriqId', 'mGeneral')).data.notification.badge).toBe(3);
      await apply(log.update('rocketchat_subscription', 's1', { archived: true }));
      expect((await push('rodriqId', 'mDesign')).data.notification.badge).toBe(1);
      await apply(log.update('rocketchat_subscription', 's5', { archived: false, open: true }));
      expect((await push('rodriqId', 'mDesign')).data.notification.badge).toBe(6);
    } finally {
      for (const doc of SUBSCRIPTIONS.filter((s) => ['s1', 's2', 's5'].includes(s._id))) await apply(log.replace('rocketchat_subscription', doc));
    }
    expect((await push('rodriqId', 'mGeneral')).data.notification.badge).toBe(6);
  });
});

describe('title and text by room type', () => {
  it('public channel: `#name` / `sender: body`', async () => {
    expect(await titleAndText('rodriqId', 'mGeneral')).toEqual(['#general', 'alice: hello team 😄']);
  });

  it('private group: `#name` / `sender: body`', async () => {
    const answer = await push('rodriqId', 'mDesign');
    expect([answer.data.notification.title, answer.data.notification.text]).toEqual(['#design', 'alice: New mockups']);
    expect(answer.data.notification.payload.name).toBe('design');
  });

  it('1:1 direct: the sender / the bare body, no payload.name', async () => {
    const answer = await push('rodriqId', 'mDm');
    expect([answer.data.notification.title, answer.data.notification.text]).toEqual(['alice', 'Lunch? 🍕']);
    expect('name' in answer.data.notification.payload).toBe(false);
    expect(answer.data.notification.payload.type).toBe('d');
  });

  it("group direct: `#` + the receiver's subscription name / `sender: body`", async () => {
    expect(await titleAndText('rodriqId', 'mGroupDm')).toEqual(['#alice, bob', 'bob: see plan.md']);
  });

  it('group direct with UI_Use_Real_Name: still the subscription name (usernames), the sender by name', async () => {
    await useSettings({ UI_Use_Real_Name: true });
    expect(await titleAndText('rodriqId', 'mGroupDm')).toEqual(['#alice, bob', 'Bob Builder: see plan.md']);
  });

  it('group direct whose room has an fname: that fname with real names, else the room name (missing: "#")', async () => {
    expect(await titleAndText('rodriqId', 'mNamedGroupDm')).toEqual(['#', 'alice: hi']);
    await useSettings({ UI_Use_Real_Name: true });
    expect(await titleAndText('rodriqId', 'mNamedGroupDm')).toEqual(['#Lunch crew', 'Alice Liddell: hi']);
  });

  it('a group without a name: "#" while special characters are off, its fname when on', async () => {
    expect(await titleAndText('rodriqId', 'mFnameOnly')).toEqual(['#', 'alice: hi']);
    await useSettings({ UI_Allow_room_names_with_special_chars: true });
    expect(await titleAndText('rodriqId', 'mFnameOnly')).toEqual(['#Only Fname', 'alice: hi']);
  });

  it('a federated channel: its fname, special characters on or off', async () => {
    expect((await titleAndText('rodriqId', 'mFederated'))[0]).toBe('#Matrix room');
    expect((await push('rodriqId', 'mFederated')).data.notification.payload.name).toBe('fed-a1b2');
  });

  it('discussion: `#` + its fname, reached through the parent channel', async () => {
    expect(await titleAndText('rodriqId', 'mDiscussion')).toEqual(['#Release planning', 'alice: Ship on Friday?']);
    expect(await titleAndText('bobId', 'mDiscussion')).toEqual(['#Release planning', 'alice: Ship on Friday?']);
    expect((await push('bobId', 'mDiscussion')).data.notification.payload.name).toBe('disc-release');
  });
});

describe('settings', () => {
  it('UI_Allow_room_names_with_special_chars on: the fname; off: the name', async () => {
    expect((await titleAndText('rodriqId', 'mDesign'))[0]).toBe('#design');
    await useSettings({ UI_Allow_room_names_with_special_chars: true });
    expect(await titleAndText('rodriqId', 'mDesign')).toEqual(['#Design Team', 'alice: New mockups']);
    expect(await titleAndText('rodriqId', 'mGeneral')).toEqual(['#General Chat', 'alice: hello team 😄']);
    expect((await push('rodriqId', 'mDesign')).data.notification.payload.name).toBe('design');
    expect((await titleAndText('rodriqId', 'mDiscussion'))[0]).toBe('#Release planning');
  });

  it("UI_Use_Real_Name: the sender's real name in title, text and senderName", async () => {
    await useSettings({ UI_Use_Real_Name: true });
    const channel = (await push('rodriqId', 'mGeneral')).data.notification;
    expect([channel.title, channel.text, channel.payload.senderName]).toEqual(['#general', 'Alice Liddell: hello team 😄', 'Alice Liddell']);
    expect(await titleAndText('rodriqId', 'mDm')).toEqual(['Alice Liddell', 'Lunch? 🍕']);
  });

  it('Push_show_username_room off: no title, no sender, bare body, payload.name ""', async () => {
    await useSettings({ Push_show_username_room: false, UI_Use_Real_Name: true });
    for (const [id, body] of [
      ['mGeneral', 'hello team 😄'],
      ['mDesign', 'New mockups'],
      ['mGroupDm', 'see plan.md'],
      ['mDiscussion', 'Ship on Friday?'],
      ['mDm', 'Lunch? 🍕'],
    ]) {
      const n = (await push('rodriqId', id!)).data.notification;
      expect([n.title, n.text, n.payload.senderName, n.payload.name]).toEqual(['', body, '', '']);
      expect(n.payload.sender._id).toBeTruthy();
    }
  });

  it('Push_show_message off: "You have a new message", still prefixed in group chats', async () => {
    await useSettings({ Push_show_message: false });
    expect(await titleAndText('rodriqId', 'mGeneral')).toEqual(['#general', 'alice: You have a new message']);
    expect(await titleAndText('rodriqId', 'mDm')).toEqual(['alice', 'You have a new message']);
    expect(await titleAndText('rodriqId', 'mImage')).toEqual(['#general', 'alice: You have a new message']);
    expect(await titleAndText('rodriqId', 'mE2e')).toEqual(['alice', 'You have a new message']);
  });

  it("fixed strings follow the receiver's language, else the Language setting, else English", async () => {
    await useSettings({ Push_show_message: false });
    expect((await titleAndText('hansId', 'mGeneral'))[1]).toBe('alice: Sie haben eine neue Nachricht');
    expect((await titleAndText('rodriqId', 'mGeneral'))[1]).toBe('alice: You have a new message');
    await useSettings({ Push_show_message: false, Language: 'fr' });
    expect((await titleAndText('rodriqId', 'mGeneral'))[1]).toBe('alice: Vous avez un nouveau message');
    expect((await titleAndText('hansId', 'mGeneral'))[1]).toBe('alice: Sie haben eine neue Nachricht');
  });
});

describe('message body', () => {
  it('empty message with an image attachment: "Uploaded an image"', async () => {
    expect(await titleAndText('rodriqId', 'mImage')).toEqual(['#general', 'alice: Uploaded an image']);
    expect((await titleAndText('hansId', 'mImage'))[1]).toBe('alice: hat ein Bild hochgeladen');
  });

  it('a quote attachment without text falls through to the (empty) text', async () => {
    expect(await titleAndText('rodriqId', 'mQuote')).toEqual(['#general', 'alice: ']);
  });

  it('no message text with a file attachment: "Uploaded a file"', async () => {
    expect(await titleAndText('rodriqId', 'mFile')).toEqual(['alice', 'Uploaded a file']);
    await useSettings({ Language: 'es' });
    expect((await titleAndText('rodriqId', 'mFile'))[1]).toBe('Ha subido un archivo');
  });

  it('e2e: "Encrypted message", payload carries msg and content as stored', async () => {
    const n = (await push('rodriqId', 'mE2e')).data.notification;
    expect([n.title, n.text]).toEqual(['alice', 'Encrypted message']);
    expect(n.payload.msg).toBe('a1b2c3encrypted');
    expect(n.payload.content).toStrictEqual({ algorithm: 'rc.v1.aes-sha2', ciphertext: 'Q2lwaGVy' });
    expect(Object.keys(n.payload).slice(-3)).toEqual(['messageType', 'msg', 'content']);
  });

  it('markdown removed and emoji shortnames turned into emoji', async () => {
    expect((await titleAndText('rodriqId', 'mMarkdown'))[1]).toBe('alice: Heads up\n quoted\nold new docs site npm test');
    expect((await titleAndText('rodriqId', 'mGeneral'))[1]).toBe('alice: hello team 😄');
  });

  it('mentions become real names with UI_Use_Real_Name, longer usernames untouched', async () => {
    expect((await titleAndText('rodriqId', 'mMention'))[1]).toBe('alice: ping @rodriq and @bobby, not @bob.smith; thanks @bob.');
    await useSettings({ UI_Use_Real_Name: true });
    expect((await titleAndText('rodriqId', 'mMention'))[1]).toBe('Alice Liddell: ping Rodriq and @bobby, not @bob.smith; thanks Bob Builder.');
  });
});

describe('access while building', () => {
  it('an archived subscription still grants access', async () => {
    expect(await titleAndText('rodriqId', 'mArchived')).toEqual(['#old-project', 'alice: from the past']);
    await expect(push('bobId', 'mArchived')).rejects.toBeInstanceOf(NotAllowed);
  });

  it('a subscription read with the room grants access without any further read', async () => {
    const counted = testClient();
    try {
      const requests = countRequests(counted);
      const countedStore = new DynamoStore(counted, { tableName, configCacheMs: 60_000 });
      const rodriq = await receiver('rodriqId');
      await getPushNotification(countedStore, rodriq, 'mDesign'); // warms the settings cache
      for (const id of ['mDesign', 'mGroupDm', 'mArchived', 'mGeneral']) {
        requests.reset();
        await getPushNotification(countedStore, rodriq, id);
        expect(requests.snapshot().byCommand, id).toStrictEqual({ GetItemCommand: 1, BatchGetItemCommand: 1, QueryCommand: 1 });
      }
      // a discussion without own subscription costs exactly one more read: the parent room
      requests.reset();
      await getPushNotification(countedStore, rodriq, 'mDiscussion');
      expect(requests.snapshot().byCommand).toStrictEqual({ GetItemCommand: 1, BatchGetItemCommand: 2, QueryCommand: 1 });
    } finally {
      counted.destroy();
    }
  });
});
