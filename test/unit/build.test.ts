import { describe, it, expect } from 'vitest';
import type { Json } from '../../lib/ejson';
import type { Message, MessageDocument, Receiver, Room, Sender, Subscription } from '../../lib/core/domain';
import { buildNotification, type NotificationInput } from '../../lib/core/notification/build';
import { notificationId } from '../../lib/core/notification/notid';
import { DEFAULT_SETTINGS, type PushSettings } from '../../lib/core/settings';
import { SEED_ANSWER } from '../support/seed';

const UNIQUE_ID = 'RcPushDemotdh59nL';
const settings = (overrides: Partial<PushSettings> = {}): PushSettings => ({ ...DEFAULT_SETTINGS, uniqueId: UNIQUE_ID, ...overrides });

const ALICE: Sender = { id: 'aliceUserId000001', username: 'alice', name: 'Alice Liddell' };
const ALICE_U = { _id: ALICE.id, username: 'alice', name: 'Alice Liddell' };
const RECEIVER: Receiver = { id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', roles: ['user'] };

const vb: Room = { id: 'iu7jtPAhvEeAS5tNq', t: 'c', name: 'vb', fname: 'vb' };
const design: Room = { id: 'designRoomId00001', t: 'p', name: 'design', fname: 'Design Team' };
const dm: Room = { id: 'aliceUserId000001d26x6zSkaPSe5gCyy', t: 'd', uidsCount: 2 };
const groupDm: Room = { id: 'groupDmRoomId0001', t: 'd', uidsCount: 3 };
const discussion: Room = { id: 'discussionRoom001', t: 'p', name: 'discussion-1', fname: 'Release planning', prid: vb.id };
const groupDmSub: Subscription = { userId: RECEIVER.id, rid: groupDm.id, name: 'alice, bob', fname: 'Alice Liddell, Bob Builder', unread: 0, archived: false };

function message(doc: Partial<MessageDocument> & { rid?: string }, id = 'msg00000000000001'): Message {
  const rid = doc.rid ?? vb.id;
  return { id, rid, document: { _id: id, rid, msg: 'hello', u: ALICE_U, ...doc } as MessageDocument };
}

function build(overrides: Partial<NotificationInput> & { doc?: Partial<MessageDocument> } = {}) {
  const { doc, ...rest } = overrides;
  const room = rest.room ?? vb;
  return buildNotification({
    message: message({ rid: room.id, ...doc }),
    room,
    receiver: RECEIVER,
    sender: ALICE,
    badge: 3,
    settings: settings(),
    ...rest,
  });
}

/** Every value in the JSON the client receives, with its path. */
function leaves(value: unknown, path = '$'): [string, unknown][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => leaves(inner, `${path}.${key}`));
  }
  return [[path, value]];
}

function expectNoNullOrUndefined(value: unknown): void {
  const bad = leaves(value).filter(([, leaf]) => leaf === null || leaf === undefined);
  expect(bad).toEqual([]);
  // …and nothing that JSON.stringify would silently drop or turn into null
  expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value);
}

describe('the answer', () => {
  const seedMessage: Message = {
    id: 'WkbwSntxt8D3jLp8G',
    rid: 'iu7jtPAhvEeAS5tNq',
    document: SEED_ANSWER.data.message as unknown as MessageDocument,
  };
  const seedInput: NotificationInput = {
    message: seedMessage,
    room: vb,
    receiver: RECEIVER,
    subscription: { userId: RECEIVER.id, rid: vb.id, name: 'vb', fname: 'vb', unread: 1, archived: false },
    sender: { id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', name: 'Rodriq' },
    badge: 2,
    settings: settings(),
  };

  it("builds the seed's notification exactly, key order included", () => {
    const notification = buildNotification(seedInput);
    expect(notification).toStrictEqual(SEED_ANSWER.data.notification);
    expect(JSON.stringify(notification)).toBe(JSON.stringify(SEED_ANSWER.data.notification));
  });

  it('has the notification keys in the contract order', () => {
    expect(Object.keys(buildNotification(seedInput))).toEqual(['from', 'badge', 'sound', 'priority', 'title', 'text', 'payload', 'userId', 'notId', 'gcm', 'apn']);
  });

  it('has the payload keys in the contract order, optional ones included', () => {
    expect(Object.keys(buildNotification(seedInput).payload)).toEqual(['host', 'messageId', 'notificationType', 'rid', 'sender', 'senderName', 'type', 'name']);
    const full = build({ doc: { t: 'e2e', msg: 'cipher', content: { algorithm: 'rc.v1.aes-sha2', ciphertext: 'xyz' }, tmid: 'threadRoot0000001' } });
    expect(Object.keys(full.payload)).toEqual(['host', 'messageId', 'notificationType', 'rid', 'sender', 'senderName', 'type', 'name', 'messageType', 'tmid', 'msg', 'content']);
    expect(Object.keys(full.payload.sender)).toEqual(['_id', 'username', 'name']);
  });

  it('has the fixed fields with JSON types', () => {
    const n = build();
    expect(n.from).toBe('push');
    expect(n.sound).toBe('default');
    expect(n.priority).toBe(10);
    expect(n.badge).toBe(3);
    expect(n.payload.notificationType).toBe('message');
    expect(n.gcm.style).toBe('inbox');
    expect(typeof n.notId).toBe('number');
  });

  it('uses the badge it was given, zero included', () => {
    expect(build({ badge: 0 }).badge).toBe(0);
    expect(build({ badge: 42 }).badge).toBe(42);
  });

  it("userId is the sender's id, not the receiver's", () => {
    const n = build();
    expect(n.userId).toBe(ALICE.id);
    expect(n.userId).not.toBe(RECEIVER.id);
  });

  it('payload carries the message id, rid, type and sender as stored in message.u', () => {
    const n = build({ room: design, doc: { u: { _id: ALICE.id, username: 'alice' } } });
    expect(n.payload.messageId).toBe('msg00000000000001');
    expect(n.payload.rid).toBe(design.id);
    expect(n.payload.type).toBe('p');
    expect(n.payload.sender).toStrictEqual({ _id: ALICE.id, username: 'alice' });
  });

  it('notId is the hash of `<uniqueID>|<rid>`, the same for every message of a room', () => {
    expect(build().notId).toBe(notificationId(UNIQUE_ID, vb.id));
    expect(build({ room: design }).notId).toBe(notificationId(UNIQUE_ID, design.id));
    expect(build({ settings: settings({ uniqueId: 'another' }) }).notId).toBe(notificationId('another', vb.id));
    expect(build({ doc: { msg: 'other message' } }).notId).toBe(build().notId);
  });

  it('payload.messageType is message.t when set, and absent otherwise', () => {
    expect(build({ doc: { t: 'discussion-created' } }).payload.messageType).toBe('discussion-created');
    expect('messageType' in build().payload).toBe(false);
  });

  it('payload.tmid is set for thread replies only', () => {
    expect(build({ doc: { tmid: 'threadRoot0000001' } }).payload.tmid).toBe('threadRoot0000001');
    expect('tmid' in build().payload).toBe(false);
  });

  describe('host and gcm image', () => {
    it.each([
      ['http://localhost:3000', 'http://localhost:3000/'],
      ['https://chat.example.com/', 'https://chat.example.com/'],
      ['https://chat.example.com//', 'https://chat.example.com/'],
      ['https://example.com/chat', 'https://example.com/chat/'],
      ['https://example.com/chat/', 'https://example.com/chat/'],
    ])('Site_Url %s → host %s', (siteUrl, host) => {
      const n = build({ settings: settings({ siteUrl }) });
      expect(n.payload.host).toBe(host);
      expect(n.gcm.image).toBe(`${host}images/logo/android-chrome-192x192.png`);
    });

    it("gcm.image is the Assets_favicon_192 setting's path under Site_Url, or its absolute URL as it is", () => {
      const image = (favicon192: string, siteUrl = 'https://chat.example.com/rc/') => build({ settings: settings({ siteUrl, favicon192 }) }).gcm.image;
      expect(image('assets/favicon_192.png')).toBe('https://chat.example.com/rc/assets/favicon_192.png');
      expect(image('/assets/favicon_192.png/')).toBe('https://chat.example.com/rc/assets/favicon_192.png');
      expect(image('assets/favicon_192.png?v=2', 'http://localhost:3000')).toBe('http://localhost:3000/assets/favicon_192.png?v=2');
      expect(image('https://cdn.example.com/icon.png')).toBe('https://cdn.example.com/icon.png');
    });
  });

  describe('apn category', () => {
    it('is MESSAGE normally', () => {
      expect(build().apn).toStrictEqual({ category: 'MESSAGE' });
      expect(build({ room: { ...vb, ro: false, muted: ['bob'] } }).apn.category).toBe('MESSAGE');
    });

    it('is MESSAGE_NOREPLY in a read-only room', () => {
      expect(build({ room: { ...vb, ro: true } }).apn).toStrictEqual({ category: 'MESSAGE_NOREPLY' });
    });

    it("is MESSAGE_NOREPLY when the receiver's username is muted in the room", () => {
      expect(build({ room: { ...vb, muted: ['bob', 'rodriq'] } }).apn.category).toBe('MESSAGE_NOREPLY');
      // the sender's mute does not matter, nor a receiver without username
      expect(build({ room: { ...vb, muted: ['alice'] } }).apn.category).toBe('MESSAGE');
    });

    it('is MESSAGE_NOREPLY for a receiver without username (Rocket.Chat offers no Reply then)', () => {
      expect(build({ receiver: { id: 'x', roles: [] } }).apn.category).toBe('MESSAGE_NOREPLY');
      expect(build({ receiver: { id: 'x', username: '', roles: [] } }).apn.category).toBe('MESSAGE_NOREPLY');
    });
  });

  it('never contains null or undefined values', () => {
    const variants = [
      build(),
      build({ room: dm }),
      build({ room: groupDm }),
      build({ room: groupDm, subscription: groupDmSub }),
      build({ room: { id: 'bare', t: 'c' } }),
      build({ room: { id: 'lc', t: 'l', servedById: 'agent' } }),
      build({ doc: { msg: undefined } }),
      build({ doc: { u: { _id: ALICE.id } } }),
      build({ doc: { u: { _id: ALICE.id, username: 'alice', name: null } } }),
      build({ doc: { t: 'e2e', msg: 'cipher' } }),
      build({ doc: { t: 'e2e', msg: 'cipher', content: null } }),
      build({ doc: { t: 'e2e', msg: null, content: null } }),
      build({ sender: { id: ALICE.id }, settings: settings({ useRealName: true }) }),
      build({ settings: settings({ showUsernameRoom: false }), room: dm }),
      build({ settings: settings({ showMessage: false }) }),
    ];
    for (const n of variants) {
      expectNoNullOrUndefined(n);
      expect(typeof n.title).toBe('string');
      expect(typeof n.text).toBe('string');
    }
  });
});

describe('title and text', () => {
  it('public channel: title `#name`, text `sender: body`', () => {
    const n = build();
    expect([n.title, n.text]).toEqual(['#vb', 'alice: hello']);
    expect(n.payload.senderName).toBe('alice');
    expect(n.payload.name).toBe('vb');
  });

  it('private group: title `#name`, text `sender: body`', () => {
    const n = build({ room: design });
    expect([n.title, n.text]).toEqual(['#design', 'alice: hello']);
  });

  it('1:1 direct: title is the sender, text the bare body, no payload.name', () => {
    const n = build({ room: dm, subscription: { userId: RECEIVER.id, rid: dm.id, name: 'alice', fname: 'Alice Liddell', unread: 0, archived: false } });
    expect([n.title, n.text]).toEqual(['alice', 'hello']);
    expect('name' in n.payload).toBe(false);
    expect(n.payload.type).toBe('d');
  });

  it('a direct room with two members or an unknown count is a 1:1', () => {
    expect(build({ room: { ...dm, uidsCount: undefined }, subscription: groupDmSub }).title).toBe('alice');
    expect(build({ room: { ...dm, uidsCount: 2 }, subscription: groupDmSub }).title).toBe('alice');
  });

  it("group direct (more than two members): the receiver's subscription name, `sender: body`", () => {
    const n = build({ room: groupDm, subscription: groupDmSub });
    expect([n.title, n.text]).toEqual(['#alice, bob', 'alice: hello']);
    expect('name' in n.payload).toBe(false);
  });

  it('group direct with real names: still the subscription name (its fname only when the room has an fname)', () => {
    const n = build({ room: groupDm, subscription: groupDmSub, settings: settings({ useRealName: true }) });
    expect([n.title, n.text]).toEqual(['#alice, bob', 'Alice Liddell: hello']);
    expect(n.payload.senderName).toBe('Alice Liddell');
    const named = build({ room: { ...groupDm, fname: 'Lunch crew' }, subscription: groupDmSub, settings: settings({ useRealName: true }) });
    expect(named.title).toBe('#Lunch crew');
  });

  it('group direct with a name of its own: the room names it, not the subscription', () => {
    const withName: Room = { ...groupDm, name: 'lunch-crew', fname: 'Lunch crew' };
    expect(build({ room: withName, subscription: groupDmSub }).title).toBe('#lunch-crew');
    expect(build({ room: withName, subscription: groupDmSub, settings: settings({ useRealName: true }) }).title).toBe('#Lunch crew');
    // an fname alone: real names off read the room's (missing) name
    expect(build({ room: { ...groupDm, fname: 'Lunch crew' }, subscription: groupDmSub }).title).toBe('#');
  });

  it('a missing name gives the title "#", never a fallback to the other name', () => {
    expect(build({ room: groupDm }).title).toBe('#');
    expect(build({ room: { ...groupDm }, subscription: { ...groupDmSub, name: undefined }, settings: settings({ useRealName: true }) }).title).toBe('#');
    expect(build({ room: { ...design, name: undefined } }).title).toBe('#');
    expect(build({ room: { ...discussion, fname: undefined } }).title).toBe('#');
  });

  it('special characters off: the name only, no fallback to the fname', () => {
    const onlyFname: Room = { id: 'r', t: 'p', fname: 'Only Fname' };
    expect(build({ room: onlyFname }).title).toBe('#');
    expect(build({ room: onlyFname, settings: settings({ allowSpecialCharsInRoomNames: true }) }).title).toBe('#Only Fname');
  });

  it('a federated channel or group: its fname, whatever the special-chars setting', () => {
    const federated: Room = { id: 'r', t: 'c', name: 'a1b2c3', fname: 'Matrix room', federated: true };
    expect(build({ room: federated }).title).toBe('#Matrix room');
    expect(build({ room: { ...federated, t: 'p' }, settings: settings({ allowSpecialCharsInRoomNames: true }) }).title).toBe('#Matrix room');
  });

  it('omnichannel and other room types are no group chats: titled by the sender', () => {
    for (const t of ['l', 'v']) {
      const n = build({ room: { id: 'lr', t, name: 'Visitor', fname: 'Visitor' } });
      expect([n.title, n.text]).toEqual(['alice', 'hello']);
    }
  });

  it('discussion: its fname, whatever the special-chars setting', () => {
    for (const allowSpecialCharsInRoomNames of [false, true]) {
      const n = build({ room: discussion, settings: settings({ allowSpecialCharsInRoomNames }) });
      expect([n.title, n.text]).toEqual(['#Release planning', 'alice: hello']);
      expect(n.payload.name).toBe('discussion-1');
    }
  });

  it('UI_Allow_room_names_with_special_chars on: fname; off: name; payload.name stays raw', () => {
    const on = build({ room: design, settings: settings({ allowSpecialCharsInRoomNames: true }) });
    const off = build({ room: design, settings: settings({ allowSpecialCharsInRoomNames: false }) });
    expect(on.title).toBe('#Design Team');
    expect(off.title).toBe('#design');
    expect(on.payload.name).toBe('design');
    expect(off.payload.name).toBe('design');
    expect(on.text).toBe('alice: hello');
  });

  it('UI_Use_Real_Name on: the sender record name; falls back to the username when unset', () => {
    const real = build({ settings: settings({ useRealName: true }) });
    expect([real.title, real.text, real.payload.senderName]).toEqual(['#vb', 'Alice Liddell: hello', 'Alice Liddell']);
    const dmReal = build({ room: dm, settings: settings({ useRealName: true }) });
    expect(dmReal.title).toBe('Alice Liddell');
    const nameless = build({ sender: { id: ALICE.id, username: 'alice' }, settings: settings({ useRealName: true }) });
    expect(nameless.text).toBe('alice: hello');
  });

  it("the sender comes from the sender's user record, not from message.u", () => {
    const n = build({ doc: { u: { _id: ALICE.id, username: 'old-alice', name: 'Old' } }, settings: settings({ useRealName: true }) });
    expect(n.text).toBe('Alice Liddell: hello');
    expect(n.payload.sender).toStrictEqual({ _id: ALICE.id, username: 'old-alice', name: 'Old' });
  });

  describe('Push_show_username_room off', () => {
    const off = settings({ showUsernameRoom: false });

    it('empties title, sender and payload.name in a channel; text is the bare body', () => {
      const n = build({ settings: off });
      expect([n.title, n.text, n.payload.senderName, n.payload.name]).toEqual(['', 'hello', '', '']);
      // the payload's sender object stays: clients need its ids
      expect(n.payload.sender).toStrictEqual(ALICE_U);
    });

    it('does the same in groups, group DMs and discussions, real names or not', () => {
      for (const [room, subscription] of [[design], [groupDm, groupDmSub], [discussion]] as [Room, Subscription?][]) {
        const n = build({ room, subscription, settings: { ...off, useRealName: true } });
        expect([n.title, n.text, n.payload.senderName]).toEqual(['', 'hello', '']);
      }
    });

    it('sends payload.name as "" for every room type, rooms without a name included', () => {
      expect(build({ room: design, settings: off }).payload.name).toBe('');
      expect(build({ room: dm, settings: off }).payload.name).toBe('');
      expect(build({ room: groupDm, subscription: groupDmSub, settings: off }).payload.name).toBe('');
      const n = build({ room: dm, settings: off });
      expect([n.title, n.text]).toEqual(['', 'hello']);
    });
  });

  describe('body', () => {
    it('Push_show_message off: "You have a new message", with the prefix in group chats', () => {
      const hidden = settings({ showMessage: false });
      expect(build({ settings: hidden, doc: { msg: 'secret stuff' } }).text).toBe('alice: You have a new message');
      expect(build({ room: dm, settings: hidden, doc: { msg: 'secret stuff' } }).text).toBe('You have a new message');
      // also wins over attachments and e2e
      expect(build({ room: dm, settings: hidden, doc: { msg: '', attachments: [{ image_type: 'image/png' }] } }).text).toBe('You have a new message');
      expect(build({ room: dm, settings: hidden, doc: { t: 'e2e', msg: 'cipher' } }).text).toBe('You have a new message');
    });

    const IMAGE = { type: 'file', title: 'cat.png', image_type: 'image/png', image_url: '/file-upload/x/cat.png' };

    it('an empty message with an image file attachment: "Uploaded an image"', () => {
      expect(build({ doc: { msg: '', attachments: [IMAGE] } }).text).toBe('alice: Uploaded an image');
      expect(build({ room: dm, doc: { msg: undefined, attachments: [{ ...IMAGE, image_type: 'image/jpeg' }] } }).text).toBe('Uploaded an image');
    });

    it('a file attachment without image_url or image_type: "Uploaded a file"', () => {
      expect(build({ room: dm, doc: { msg: '', attachments: [{ title: 'report.pdf', type: 'file' }] } }).text).toBe('Uploaded a file');
      const { image_url: _url, ...withoutUrl } = IMAGE;
      const { image_type: _type, ...withoutType } = IMAGE;
      expect(build({ room: dm, doc: { msg: '', attachments: [withoutUrl] } }).text).toBe('Uploaded a file');
      expect(build({ room: dm, doc: { msg: '', attachments: [withoutType] } }).text).toBe('Uploaded a file');
    });

    it('only a file attachment (type "file") gets upload wording; quotes and bot attachments fall through', () => {
      expect(build({ room: dm, doc: { msg: '', attachments: [{ image_type: 'image/png', image_url: '/x.png' }] } }).text).toBe('');
      expect(build({ doc: { msg: '', attachments: [{ text: 'quoted message', message_link: 'https://x/y' }] } }).text).toBe('alice: ');
      expect(build({ room: dm, doc: { msg: '', attachments: ['not an object'] } }).text).toBe('');
    });

    it('the first attachment decides', () => {
      expect(build({ room: dm, doc: { msg: '', attachments: [{ type: 'file', title: 'a.pdf' }, IMAGE] } }).text).toBe('Uploaded a file');
      expect(build({ room: dm, doc: { msg: undefined, attachments: [IMAGE, { type: 'file', title: 'a.pdf' }] } }).text).toBe('Uploaded an image');
      expect(build({ room: dm, doc: { msg: '', attachments: [{ text: 'quote' }, IMAGE] } }).text).toBe('');
    });

    it('a removed message (t: "rm", empty msg) has an empty body', () => {
      expect(build({ doc: { t: 'rm', msg: '' } }).text).toBe('alice: ');
      expect(build({ doc: { t: 'rm', msg: '' } }).payload.messageType).toBe('rm');
    });

    it('attachments do not replace a message text', () => {
      expect(build({ room: dm, doc: { msg: 'look at this', attachments: [{ image_type: 'image/png' }] } }).text).toBe('look at this');
    });

    it('an empty message without attachments is an empty body', () => {
      expect(build({ room: dm, doc: { msg: '' } }).text).toBe('');
      expect(build({ room: dm, doc: { msg: '', attachments: [] } }).text).toBe('');
    });

    it('e2e: "Encrypted message", and the payload carries msg and content as stored', () => {
      const content = { algorithm: 'rc.v1.aes-sha2', ciphertext: 'AAAA' };
      const n = build({ room: design, doc: { t: 'e2e', msg: 'k3yId+ciphertext', content, e2e: 'pending' } });
      expect([n.title, n.text]).toEqual(['#design', 'alice: Encrypted message']);
      expect(n.payload.msg).toBe('k3yId+ciphertext');
      expect(n.payload.content).toStrictEqual(content);
      expect(n.payload.messageType).toBe('e2e');
      const noContent = build({ room: dm, doc: { t: 'e2e', msg: 'cipher' } });
      expect(noContent.text).toBe('Encrypted message');
      expect(noContent.payload.msg).toBe('cipher');
      expect('content' in noContent.payload).toBe(false);
    });

    it('e2e file upload (empty msg, attachment): the upload text', () => {
      expect(build({ room: dm, doc: { t: 'e2e', msg: '', attachments: [IMAGE] } }).text).toBe('Uploaded an image');
    });

    it('non-e2e messages carry no msg or content in the payload', () => {
      const n = build({ doc: { content: { x: 1 } } });
      expect('msg' in n.payload).toBe(false);
      expect('content' in n.payload).toBe(false);
    });

    it('turns emoji shortnames into emoji', () => {
      expect(build({ room: dm, doc: { msg: 'Lunch? :pizza: :smile:' } }).text).toBe('Lunch? 🍕 😄');
      expect(build({ room: dm, doc: { msg: ':not_an_emoji_name:' } }).text).toBe(':not_an_emoji_name:');
    });

    it('removes markdown', () => {
      const n = build({
        room: dm,
        doc: { msg: '# Title\n> quoted\n*bold* _italic_ ~strike~ `code` [docs](https://example.com/docs) <https://example.com|site>\n```js\nlet a = 1;\n```' },
      });
      expect(n.text).toBe('Title\n quoted\nbold italic strike code docs site\njs\nlet a = 1;\n');
    });

    it('combines emoji and markdown', () => {
      expect(build({ doc: { msg: 'Hi @rodriq, *ship it* :rocket:' } }).text).toBe('alice: Hi @rodriq, ship it 🚀');
    });

    describe('mentions', () => {
      const mentions: Json = [
        { _id: 'bobUserId00000001', username: 'bob', name: 'Bob Builder', type: 'user' },
        { _id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', name: 'Rodriq', type: 'user' },
      ];

      it('become real names with UI_Use_Real_Name on', () => {
        const n = build({ room: dm, doc: { msg: 'Hi @bob and @rodriq!', mentions }, settings: settings({ useRealName: true }) });
        expect(n.text).toBe('Hi Bob Builder and Rodriq!');
      });

      it('stay usernames with UI_Use_Real_Name off', () => {
        expect(build({ room: dm, doc: { msg: 'Hi @bob and @rodriq!', mentions } }).text).toBe('Hi @bob and @rodriq!');
      });

      it('do not touch longer usernames that start the same', () => {
        const n = build({ room: dm, doc: { msg: '@bobby @bob.smith @bob-jr @bob_2 @bob', mentions }, settings: settings({ useRealName: true }) });
        expect(n.text).toBe('@bobby @bob.smith @bob-jr @bob_2 Bob Builder');
      });

      it('replace a mention followed by punctuation', () => {
        const n = build({ room: dm, doc: { msg: 'Thanks @bob. See you, @rodriq: bye (@bob)', mentions }, settings: settings({ useRealName: true }) });
        expect(n.text).toBe('Thanks Bob Builder. See you, Rodriq: bye (Bob Builder)');
      });

      it('leave usernames that are not in message.mentions, and mentions without a name', () => {
        const n = build({
          room: dm,
          doc: {
            msg: '@carol @dave @all',
            mentions: [
              { _id: 'x', username: 'dave' },
              { _id: 'all', username: 'all' },
            ],
          },
          settings: settings({ useRealName: true }),
        });
        expect(n.text).toBe('@carol @dave @all');
      });

      it('handle regex characters in usernames and names', () => {
        const n = build({
          room: dm,
          doc: { msg: 'cc @a.b+c and @a$b', mentions: [{ username: 'a.b+c', name: 'Dollar $& Name' }] },
          settings: settings({ useRealName: true }),
        });
        expect(n.text).toBe('cc Dollar $& Name and @a$b');
      });
    });

    describe('language', () => {
      const hidden = { showMessage: false };

      it("uses the receiver's language first", () => {
        const n = build({ room: dm, receiver: { ...RECEIVER, language: 'de' }, settings: settings({ ...hidden, language: 'fr' }) });
        expect(n.text).toBe('Sie haben eine neue Nachricht');
      });

      it('else the Language setting', () => {
        expect(build({ room: dm, settings: settings({ ...hidden, language: 'fr' }) }).text).toBe('Vous avez un nouveau message');
        // an empty user language is no language (Rocket.Chat: `receiver.language || Language`)
        expect(build({ room: dm, receiver: { ...RECEIVER, language: '' }, settings: settings({ ...hidden, language: 'fr' }) }).text).toBe('Vous avez un nouveau message');
        expect(build({ room: dm, settings: settings({ language: 'es' }), doc: { msg: '', attachments: [{ type: 'file', image_url: '/x.png', image_type: 'image/png' }] } }).text).toBe(
          'Ha subido una imagen',
        );
        expect(build({ room: dm, settings: settings({ language: 'ru' }), doc: { t: 'e2e', msg: 'c' } }).text).toBe('Зашифрованное сообщение');
      });

      it('else English, also for unknown languages', () => {
        expect(build({ room: dm, settings: settings(hidden) }).text).toBe('You have a new message');
        expect(build({ room: dm, receiver: { ...RECEIVER, language: 'xx' }, settings: settings(hidden) }).text).toBe('You have a new message');
      });

      it('translates only the fixed strings, never the message or the names', () => {
        const n = build({ receiver: { ...RECEIVER, language: 'de' }, doc: { msg: 'hello' } });
        expect([n.title, n.text]).toEqual(['#vb', 'alice: hello']);
      });
    });
  });
});
