import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { hashLoginToken } from '../../lib/auth';
import type { Json } from '../../lib/ejson';
import {
  importItemsForDocument,
  InvalidDocument,
  itemsForDocument,
  toAuthUser,
  toLoginToken,
  toMessage,
  toRoom,
  toSender,
  toSubscription,
  toTeam,
  type Document,
  type Item,
} from '../../lib/store/items';
import { BADGE_INDEX_KEY, TTL_ATTRIBUTE } from '../../lib/store/keys';

const WHEN = '2024-03-01T12:00:00.000Z';

function invalid(collection: Parameters<typeof itemsForDocument>[0], doc: Document): string {
  try {
    itemsForDocument(collection, doc);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDocument);
    return (error as Error).message;
  }
  throw new Error('expected InvalidDocument');
}

const bySk = (items: Item[], sk: string) => items.find((item) => item.sk === sk);

describe('users', () => {
  const alice: Document = {
    _id: 'aliceUserId000001',
    username: 'alice',
    name: 'Alice Liddell',
    active: true,
    roles: ['user'],
    language: 'de',
    emails: [{ address: 'alice@example.com', verified: true }],
    services: {
      password: { bcrypt: '$2b$10$notstored' },
      resume: {
        loginTokens: [
          { when: WHEN, hashedToken: 'hashOfLoginToken=' },
          { hashedToken: 'hashOfPat=', type: 'personalAccessToken', name: 'ci', createdAt: WHEN },
        ],
      },
    },
  };

  it('keeps only what push.get reads about the user', () => {
    const { entity, items } = itemsForDocument('users', alice);
    expect(entity).toBe('user');
    expect(bySk(items, 'USER')).toStrictEqual({
      pk: 'USER#aliceUserId000001',
      sk: 'USER',
      username: 'alice',
      name: 'Alice Liddell',
      active: true,
      roles: ['user'],
      language: 'de',
    });
    const text = JSON.stringify(items);
    expect(text).not.toContain('bcrypt');
    expect(text).not.toContain('alice@example.com');
  });

  it('stores one item per login token, keyed by its hash, without a TTL (expiry is decided at read time)', () => {
    const { items } = itemsForDocument('users', alice);
    expect(items).toHaveLength(3);
    const login = bySk(items, 'TOKEN#hashOfLoginToken=');
    expect(login).toStrictEqual({
      pk: 'USER#aliceUserId000001',
      sk: 'TOKEN#hashOfLoginToken=',
      hashedToken: 'hashOfLoginToken=',
      when: Date.parse(WHEN),
      personalAccessToken: false,
      // the account's login fields, so that the authorizer reads one item
      username: 'alice',
      active: true,
      roles: ['user'],
      language: 'de',
    });
    const pat = bySk(items, 'TOKEN#hashOfPat=');
    expect(pat?.personalAccessToken).toBe(true);
    expect(pat?.[TTL_ATTRIBUTE]).toBeUndefined();
    expect(pat?.when).toBeUndefined();
  });

  it('puts a deactivation on every token item, which is all the authorizer reads', () => {
    const { items } = itemsForDocument('users', { ...alice, active: false, roles: ['admin'] });
    const tokens = items.filter((item) => item.sk.startsWith('TOKEN#'));
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      expect(token).toMatchObject({ active: false, roles: ['admin'], username: 'alice' });
    }
  });

  it('gives no login token a TTL, however old: Accounts_LoginExpiration may still be raised', () => {
    const doc: Document = { _id: 'u', services: { resume: { loginTokens: [{ when: '2001-03-01T12:00:00.250Z', hashedToken: 'h' }] } } };
    expect(bySk(itemsForDocument('users', doc).items, 'TOKEN#h')).not.toHaveProperty(TTL_ATTRIBUTE);
  });

  it('ignores a legacy raw `token` entry, as Rocket.Chat does: neither hashed nor stored', () => {
    const raw = 'RawLegacyMeteorToken-7f3a9c';
    const doc: Document = {
      _id: 'u',
      services: {
        resume: {
          loginTokens: [
            { when: WHEN, token: raw },
            { when: WHEN, hashedToken: 'H' },
          ],
        },
      },
    };
    const { items } = itemsForDocument('users', doc);
    expect(items.map((item) => item.sk)).toEqual(['USER', 'TOKEN#H']);
    expect(JSON.stringify(items)).not.toContain(raw);
    expect(JSON.stringify(items)).not.toContain(hashLoginToken(raw));
  });

  it('prefers hashedToken when both are present, and stores a token listed twice once', () => {
    const doc: Document = {
      _id: 'u',
      services: {
        resume: {
          loginTokens: [
            { when: WHEN, hashedToken: 'H', token: 'raw' },
            { when: WHEN, hashedToken: 'H' },
          ],
        },
      },
    };
    const { items } = itemsForDocument('users', doc);
    expect(items.map((item) => item.sk)).toEqual(['USER', 'TOKEN#H']);
  });

  it('reads `active` (only an explicit false deactivates) and defaults roles to none', () => {
    const user = (doc: Document) => bySk(itemsForDocument('users', { _id: 'u', ...doc }).items, 'USER')!;
    expect(user({}).active).toBe(true);
    expect(user({ active: false }).active).toBe(false);
    expect(user({}).roles).toEqual([]);
    expect(user({ roles: null }).roles).toEqual([]);
    expect(itemsForDocument('users', { _id: 'u' }).items).toHaveLength(1);
  });

  it('a personal access token with an unreadable `when` keeps no `when`', () => {
    const doc: Document = { _id: 'u', services: { resume: { loginTokens: [{ hashedToken: 'P', type: 'personalAccessToken', when: 'garbage' }] } } };
    const token = bySk(itemsForDocument('users', doc).items, 'TOKEN#P')!;
    expect(token.when).toBeUndefined();
    expect(token[TTL_ATTRIBUTE]).toBeUndefined();
  });

  it('maps back to the authorizer records', () => {
    const { items } = itemsForDocument('users', { ...alice, active: false });
    expect(toAuthUser('aliceUserId000001', bySk(items, 'USER')!)).toStrictEqual({
      id: 'aliceUserId000001',
      username: 'alice',
      active: false,
      roles: ['user'],
      language: 'de',
    });
    expect(toSender('aliceUserId000001', bySk(items, 'USER')!)).toStrictEqual({ id: 'aliceUserId000001', username: 'alice', name: 'Alice Liddell' });
    expect(toLoginToken(bySk(items, 'TOKEN#hashOfLoginToken=')!)).toStrictEqual({
      hashedToken: 'hashOfLoginToken=',
      when: Date.parse(WHEN),
      personalAccessToken: false,
    });
    expect(toLoginToken(bySk(items, 'TOKEN#hashOfPat=')!)).toStrictEqual({ hashedToken: 'hashOfPat=', when: undefined, personalAccessToken: true });
  });

  it.each([
    ['loginTokens not a list', { services: { resume: { loginTokens: {} } } }, 'services.resume.loginTokens is not an array'],
    ['a token without hash', { services: { resume: { loginTokens: [{ when: WHEN }] } } }, 'services.resume.loginTokens[0] has no hashedToken'],
    ['a token that is no object', { services: { resume: { loginTokens: ['x'] } } }, 'services.resume.loginTokens[0] has no hashedToken'],
    ['a login token without when', { services: { resume: { loginTokens: [{ hashedToken: 'h' }] } } }, 'services.resume.loginTokens[0] has no valid "when" date'],
    ['a login token with a bad when', { services: { resume: { loginTokens: [{ hashedToken: 'h', when: 'soon' }] } } }, 'services.resume.loginTokens[0] has no valid "when" date'],
    // V8's Date.parse reads these as 2001 and the year 31415; they are no dates
    ['a login token with a date-like when', { services: { resume: { loginTokens: [{ hashedToken: 'h', when: 'x-1' }] } } }, 'services.resume.loginTokens[0] has no valid "when" date'],
    ['a login token with a far-future-like when', { services: { resume: { loginTokens: [{ hashedToken: 'h', when: 'token-31415' }] } } }, 'services.resume.loginTokens[0] has no valid "when" date'],
    ['a login token with a numeric when', { services: { resume: { loginTokens: [{ hashedToken: 'h', when: 1700000000000 }] } } }, 'services.resume.loginTokens[0] has no valid "when" date'],
    ['a username that is no string', { username: 42 }, '"username" is not a string'],
    ['roles that are not strings', { roles: ['user', 3] }, '"roles" is not a list of strings'],
  ])('refuses %s', (_, doc, reason) => {
    expect(invalid('users', { _id: 'u', ...doc } as Document)).toBe(reason);
  });
});

describe('rooms', () => {
  it('keeps the fields push.get reads', () => {
    const doc: Document = {
      _id: 'r1',
      t: 'c',
      name: 'general',
      fname: 'General',
      ro: true,
      muted: ['bob'],
      uids: ['a', 'b', 'c'],
      servedBy: { _id: 'agent1', username: 'agent' },
      msgs: 10,
      lastMessage: { msg: 'big' },
    };
    const { entity, items } = itemsForDocument('rocketchat_room', doc);
    expect(entity).toBe('room');
    expect(items).toHaveLength(1);
    expect(toRoom('r1', items[0]!)).toStrictEqual({
      id: 'r1',
      t: 'c',
      name: 'general',
      fname: 'General',
      prid: undefined,
      federated: undefined,
      teamId: undefined,
      teamMain: false,
      ro: true,
      muted: ['bob'],
      uidsCount: 3,
      servedById: 'agent1',
      open: false,
      departmentId: undefined,
    });
    expect(JSON.stringify(items)).not.toContain('lastMessage');
  });

  it('keeps `federated: true` (a federated room is named by its fname), nothing else', () => {
    const room = (federated: Json) => toRoom('r1', itemsForDocument('rocketchat_room', { _id: 'r1', t: 'c', name: 'n', federated }).items[0]!)!;
    expect(room(true).federated).toBe(true);
    expect(room(false).federated).toBeUndefined();
    expect(room('true').federated).toBeUndefined();
  });

  it('a team main room also writes the team item', () => {
    const { items } = itemsForDocument('rocketchat_room', { _id: 'main', t: 'p', name: 'team', teamId: 'T1', teamMain: true });
    expect(items.map((item) => [item.pk, item.sk])).toEqual([
      ['ROOM#main', 'ROOM'],
      ['TEAM#T1', 'TEAM'],
    ]);
    expect(toTeam('T1', items[1]!)).toStrictEqual({ id: 'T1', mainRoomId: 'main', mainRoomType: 'p' });
    // a team channel is not a main room
    expect(itemsForDocument('rocketchat_room', { _id: 'ch', t: 'c', teamId: 'T1' }).items).toHaveLength(1);
  });

  it.each([
    ['no type', {}, 'room has no type "t"'],
    ['an empty type', { t: '' }, 'room has no type "t"'],
    ['a name that is no string', { t: 'c', name: ['x'] }, '"name" is not a string'],
    ['muted that is no list', { t: 'c', muted: 'bob' }, '"muted" is not a list of strings'],
  ])('refuses %s', (_, doc, reason) => {
    expect(invalid('rocketchat_room', { _id: 'r', ...doc } as Document)).toBe(reason);
  });
});

describe('omnichannel rooms', () => {
  it('keep `open` (only a boolean true is open) and the department', () => {
    const room = (doc: Document) => toRoom('l1', itemsForDocument('rocketchat_room', { _id: 'l1', t: 'l', ...doc }).items[0]!)!;
    expect(room({ open: true, departmentId: 'sales' })).toMatchObject({ open: true, departmentId: 'sales' });
    expect(room({ open: 'yes' }).open).toBe(false);
    expect(room({}).open).toBe(false);
    expect(invalid('rocketchat_room', { _id: 'l1', t: 'l', departmentId: 7 })).toBe('"departmentId" is not a string');
  });
});

describe('team collections and department agents', () => {
  it('a team document keeps its type, beside the main-room item of the same team', () => {
    const { entity, items } = itemsForDocument('rocketchat_team', { _id: 'T1', name: 'crew', type: 1, roomId: 'main', createdAt: '2024-01-01T00:00:00.000Z' });
    expect(entity).toBe('team document');
    expect(items).toStrictEqual([{ pk: 'TEAM#T1', sk: 'TEAMDOC', type: 1 }]);
    expect(invalid('rocketchat_team', { _id: 'T1', type: 'public' })).toBe('team has no numeric "type"');
  });

  it('a team member is keyed by team and user, findable by its _id', () => {
    const { entity, items } = itemsForDocument('rocketchat_team_member', { _id: 'tm1', teamId: 'T1', userId: 'u1', roles: ['member'] });
    expect(entity).toBe('team member');
    expect(items).toStrictEqual([{ pk: 'TEAM#T1', sk: 'MEMBER#u1' }]);
    // The import writes an `_id` pointer beside it, which a change-stream delete resolves.
    expect(importItemsForDocument('rocketchat_team_member', { _id: 'tm1', teamId: 'T1', userId: 'u1' }, 'v').items).toStrictEqual([
      { pk: 'TEAM#T1', sk: 'MEMBER#u1', version: 'v' },
      { pk: 'DOCID#rocketchat_team_member#tm1', sk: 'DOCID', targetPk: 'TEAM#T1', targetSk: 'MEMBER#u1', version: 'v' },
    ]);
    expect(invalid('rocketchat_team_member', { _id: 'tm1', teamId: 'T1' })).toBe('"userId" is not a non-empty string');
  });

  it('a department agent is keyed by department and agent, findable by its _id', () => {
    const doc = { _id: 'da1', agentId: 'agent1', departmentId: 'sales', username: 'agent', departmentEnabled: true };
    const { entity, items } = itemsForDocument('rocketchat_livechat_department_agents', doc);
    expect(entity).toBe('department agent');
    expect(items).toStrictEqual([{ pk: 'DEPT#sales', sk: 'AGENT#agent1' }]);
    expect(importItemsForDocument('rocketchat_livechat_department_agents', doc, 'v').items[1]).toStrictEqual({
      pk: 'DOCID#rocketchat_livechat_department_agents#da1',
      sk: 'DOCID',
      targetPk: 'DEPT#sales',
      targetSk: 'AGENT#agent1',
      version: 'v',
    });
    expect(invalid('rocketchat_livechat_department_agents', { _id: 'da1', agentId: 'a' })).toBe('"departmentId" is not a non-empty string');
  });
});

describe('subscriptions', () => {
  const sub = (doc: Document) => itemsForDocument('rocketchat_subscription', { _id: 'sub1', rid: 'r1', u: { _id: 'u1', username: 'x' }, ...doc }).items[0]!;

  it('are stored under the user, with only the attributes push.get reads', () => {
    const item = sub({ unread: 2, name: 'general', fname: 'General', alert: true, open: true });
    expect(item.pk).toBe('USER#u1');
    expect(item.sk).toBe('SUB#r1');
    // The `_id` is not among them: a delete resolves it through the subscription's pointer item.
    expect(
      Object.keys(item)
        .filter((name) => item[name] !== undefined)
        .sort(),
    ).toStrictEqual(['archived', 'badgeUser', 'fname', 'name', 'pk', 'rid', 'sk', 'unread']);
    expect(toSubscription('u1', item)).toStrictEqual({ userId: 'u1', rid: 'r1', name: 'general', fname: 'General', unread: 2, archived: false, invited: false, banned: false });
  });

  it('remember a pending invitation (status INVITED), which access does not count', () => {
    expect(toSubscription('u1', sub({ status: 'INVITED' })).invited).toBe(true);
    expect(toSubscription('u1', sub({ status: 'ACCEPTED' })).invited).toBe(false);
    expect(toSubscription('u1', sub({})).invited).toBe(false);
  });

  it('remember a ban (status BANNED), which access does not count as membership', () => {
    expect(toSubscription('u1', sub({ status: 'BANNED' }))).toMatchObject({ banned: true, invited: false });
    expect(toSubscription('u1', sub({ status: 'INVITED' })).banned).toBe(false);
    expect(toSubscription('u1', sub({})).banned).toBe(false);
  });

  it('carry the sparse badge key only when unread > 0 and not archived', () => {
    expect(sub({ unread: 2 })[BADGE_INDEX_KEY]).toBe('u1');
    expect(sub({ unread: 0 })[BADGE_INDEX_KEY]).toBeUndefined();
    expect(sub({})[BADGE_INDEX_KEY]).toBeUndefined();
    expect(sub({ unread: 5, archived: true })[BADGE_INDEX_KEY]).toBeUndefined();
    expect(sub({ unread: 5, archived: false })[BADGE_INDEX_KEY]).toBe('u1');
  });

  it('default unread to 0 and archived to false', () => {
    expect(toSubscription('u1', sub({}))).toMatchObject({ unread: 0, archived: false });
    expect(toSubscription('u1', sub({ archived: true, unread: 3 }))).toMatchObject({ unread: 3, archived: true });
  });

  it.each([
    ['no u._id', { u: { username: 'x' } }, 'subscription has no string u._id'],
    ['no u', { u: null }, 'subscription has no string u._id'],
    ['no rid', { rid: undefined }, 'subscription has no string rid'],
    ['unread that is no number', { unread: '3' }, 'subscription "unread" is not a number'],
  ])('refuse %s', (_, doc, reason) => {
    expect(invalid('rocketchat_subscription', { _id: 's', rid: 'r1', u: { _id: 'u1' }, ...doc } as Document)).toBe(reason);
  });
});

describe('messages', () => {
  const doc: Document = { _id: 'm1', rid: 'r1', msg: 'hello', ts: '2021-10-22T14:29:23.581Z', u: { _id: 'u1', username: 'x' }, md: [{ type: 'PARAGRAPH' }] };

  it('are stored whole and read back whole', () => {
    const { entity, items } = itemsForDocument('rocketchat_message', doc);
    expect(entity).toBe('message');
    expect(items[0]).toMatchObject({ pk: 'MSG#m1', sk: 'MSG', rid: 'r1' });
    expect(toMessage('m1', items[0]!)).toStrictEqual({ id: 'm1', rid: 'r1', document: doc });
  });

  it('an edit-history copy (_hidden) reads back as not found', () => {
    const item = itemsForDocument('rocketchat_message', { ...doc, _hidden: true }).items[0]!;
    expect(toMessage('m1', item)).toBeUndefined();
    const shown = { ...doc, _hidden: false, t: 'uj' };
    expect(toMessage('m1', itemsForDocument('rocketchat_message', shown).items[0]!)?.document).toStrictEqual(shown);
  });

  it('a removed message kept for "show deleted status" (t: rm) reads back whole, as Rocket.Chat answers it', () => {
    const removed = { ...doc, t: 'rm', msg: '' };
    expect(toMessage('m1', itemsForDocument('rocketchat_message', removed).items[0]!)).toStrictEqual({ id: 'm1', rid: 'r1', document: removed });
    // an item written when removed messages were still flagged hidden is answered too
    const legacy = { ...itemsForDocument('rocketchat_message', removed).items[0]!, hidden: true };
    expect(toMessage('m1', legacy)?.document).toStrictEqual(removed);
  });

  it('big messages are stored gzip-compressed and read back equal', () => {
    const big: Document = { ...doc, msg: 'lorem ipsum dolor sit amet '.repeat(8000), attachments: [{ description: 'x'.repeat(20_000) }] };
    const item = itemsForDocument('rocketchat_message', big).items[0]!;
    expect(item.document).toBeUndefined();
    expect(item.documentGzip).toBeInstanceOf(Uint8Array);
    const gz = item.documentGzip as Uint8Array;
    expect(gz.length).toBeLessThan(JSON.stringify(big).length / 10);
    expect(JSON.parse(gunzipSync(gz).toString('utf8'))).toStrictEqual(big);
    // as DynamoDB hands binary back: a plain Uint8Array
    expect(toMessage('m1', { ...item, documentGzip: new Uint8Array(gz) })).toStrictEqual({ id: 'm1', rid: 'r1', document: big });
  });

  it('small messages are stored as JSON text', () => {
    const item = itemsForDocument('rocketchat_message', doc).items[0]!;
    expect(item.documentGzip).toBeUndefined();
    expect(JSON.parse(item.document as string)).toStrictEqual(doc);
  });

  it('refuse a message too large even compressed, without quoting it', () => {
    const noise = randomBytes(450_000).toString('base64'); // 600 KB that gzip cannot shrink below the item limit
    const reason = invalid('rocketchat_message', { ...doc, msg: noise });
    expect(reason).toMatch(/^message is too large to store \(\d+ bytes of JSON\)$/);
    expect(reason).not.toContain(noise.slice(0, 16));
  });

  it('refuse a message without rid', () => {
    expect(invalid('rocketchat_message', { _id: 'm', msg: 'x' })).toBe('message has no string rid');
    expect(invalid('rocketchat_message', { _id: 'm', rid: 5 })).toBe('message has no string rid');
  });

  it('an unreadable item reads as not found', () => {
    expect(toMessage('m1', { pk: 'MSG#m1', sk: 'MSG' })).toBeUndefined();
    expect(toMessage('m1', { pk: 'MSG#m1', sk: 'MSG', document: '{}' })).toBeUndefined();
  });
});

describe('settings and permissions', () => {
  it('keep the settings push.get uses, with their value', () => {
    expect(itemsForDocument('rocketchat_settings', { _id: 'Site_Url', value: 'https://chat.example.com', type: 'string' })).toStrictEqual({
      entity: 'setting',
      items: [{ pk: 'SETTING#Site_Url', sk: 'SETTING', value: 'https://chat.example.com' }],
    });
    expect(itemsForDocument('rocketchat_settings', { _id: 'Push_show_message', value: false }).items[0]!.value).toBe(false);
    expect(itemsForDocument('rocketchat_settings', { _id: 'Language' }).items[0]!.value).toBeNull();
  });

  it('skip every other setting', () => {
    for (const id of ['Site_Name', 'Push_enable', 'site_url', 'SITE_URL', 'constructor', '__proto__']) {
      expect(itemsForDocument('rocketchat_settings', { _id: id, value: 'x' })).toStrictEqual({ items: [] });
    }
  });

  it('keep the permissions the access rules check with their roles, skip the others', () => {
    expect(itemsForDocument('rocketchat_permissions', { _id: 'view-c-room', roles: ['user', 'guest'] })).toStrictEqual({
      entity: 'permission',
      items: [{ pk: 'PERMISSION#view-c-room', sk: 'PERMISSION', roles: ['user', 'guest'] }],
    });
    expect(itemsForDocument('rocketchat_permissions', { _id: 'view-livechat-rooms', roles: [] }).items[0]!.roles).toEqual([]);
    const accessPermissions = [
      'view-joined-room',
      'view-p-room',
      'view-d-room',
      'view-l-room',
      'view-v-room',
      'view-livechat-room-closed-by-another-agent',
      'view-livechat-room-closed-same-department',
    ];
    for (const id of accessPermissions) {
      expect(itemsForDocument('rocketchat_permissions', { _id: id, roles: ['custom-role'] }).items, id).toStrictEqual([{ pk: `PERMISSION#${id}`, sk: 'PERMISSION', roles: ['custom-role'] }]);
    }
    for (const id of ['create-c', 'view-outside-room', 'view-x-room', 'view-livechat-manager', 'toString']) {
      expect(itemsForDocument('rocketchat_permissions', { _id: id, roles: ['admin'] })).toStrictEqual({ items: [] });
    }
  });

  it('refuse a known permission whose roles are not a list of strings', () => {
    expect(invalid('rocketchat_permissions', { _id: 'view-c-room', roles: 'admin' })).toBe('"roles" is not a list of strings');
    expect(invalid('rocketchat_permissions', { _id: 'view-c-room' })).toBe('"roles" is not a list of strings');
  });
});

describe('InvalidDocument', () => {
  it('refuses a document without a string _id, in every collection', () => {
    for (const collection of ['users', 'rocketchat_room', 'rocketchat_subscription', 'rocketchat_message', 'rocketchat_settings', 'rocketchat_permissions'] as const) {
      expect(invalid(collection, { name: 'x' })).toBe('document has no string _id');
      expect(invalid(collection, { _id: '' })).toBe('document has no string _id');
      expect(invalid(collection, { _id: 12 })).toBe('document has no string _id');
    }
  });

  it('never quotes a document value in its reason', () => {
    const secret = 'VerySecretValue-31415';
    const reasons = [
      invalid('users', { _id: 'u', username: { secret } }),
      invalid('users', { _id: 'u', services: { resume: { loginTokens: [{ hashedToken: secret, when: secret }] } } }),
      invalid('rocketchat_room', { _id: 'r', t: 'c', fname: { secret } }),
      invalid('rocketchat_subscription', { _id: 's', rid: 'r', u: { _id: 'u' }, unread: secret }),
      invalid('rocketchat_permissions', { _id: 'view-c-room', roles: secret }),
    ];
    for (const reason of reasons) expect(reason).not.toContain(secret);
  });

  it('refuses ids too long to be a DynamoDB key', () => {
    expect(invalid('rocketchat_message', { _id: 'm'.repeat(3000), rid: 'r' })).toBe('an id is too long to be a DynamoDB key');
    expect(invalid('users', { _id: 'u', services: { resume: { loginTokens: [{ hashedToken: 'h'.repeat(1100), type: 'personalAccessToken' }] } } })).toBe('an id is too long to be a DynamoDB key');
  });
});
