import { describe, expect, it } from 'vitest';
import { CHECKPOINT_AGE_LIMIT_MS, countCheck, exitCode, formatChecks, relayChecks, routeCheck, schemaCheck, settingChecks, type Check, type TableShape } from '../../lib/doctor/checks';
import { documentPointerKey, entityOfKey, keys, relayKeys, subscriptionPointerKey } from '../../lib/dynamodb/keys';

const byName = (checks: Check[]) => Object.fromEntries(checks.map(({ name, status, detail }) => [name, { status, detail }]));
const NOW = Date.parse('2026-12-04T12:00:00Z');

describe('entityOfKey: every key shape keys.ts builds', () => {
  it.each([
    [keys.user('u'), 'users'],
    [keys.token('u', 'h'), 'tokens'],
    [keys.subscription('u', 'r'), 'subscriptions'],
    [keys.room('r'), 'rooms'],
    [keys.team('t'), 'teams'],
    [keys.teamDocument('t'), 'team documents'],
    [keys.teamMember('t', 'u'), 'team members'],
    [keys.departmentAgent('d', 'a'), 'department agents'],
    [keys.message('m'), 'messages'],
    [keys.setting('Site_Url'), 'settings'],
    [keys.permission('view-c-room'), 'permissions'],
    [subscriptionPointerKey('s'), 'pointers'],
    [documentPointerKey('rocketchat_team_member', 'x'), 'pointers'],
    [relayKeys.state(), 'relay items'],
    [relayKeys.deadLetter('2026-01-01T00:00:00Z', 'x'), 'relay items'],
    [{ pk: 'SOMETHING#x', sk: 'ELSE' }, 'other'],
  ])('%o → %s', ({ pk, sk }, entity) => {
    expect(entityOfKey(pk, sk)).toBe(entity);
  });
});

describe('settingChecks', () => {
  it('all ok for a deployment set up as docs/deploy.md says', () => {
    const checks = settingChecks({ Push_request_content_from_server: true, Push_show_message: true, Site_Url: 'https://chat.example.com', Accounts_LoginExpiration: 30 });
    expect(checks.map(({ status }) => status)).toStrictEqual(['ok', 'ok', 'ok', 'ok']);
    expect(byName(checks).Accounts_LoginExpiration!.detail).toMatch(/^30 days/);
    expect(byName(checks).Site_Url!.detail).toContain('https://chat.example.com/api/v1/push.get');
  });

  it('fails privacy off, message hidden and a missing Site_Url, each with the fix', () => {
    const checks = byName(settingChecks({ Push_request_content_from_server: false, Push_show_message: false }));
    expect(checks.Push_request_content_from_server).toMatchObject({ status: 'fail', detail: expect.stringMatching(/never call push.get.*Hide message content from Apple and Google/) });
    expect(checks.Push_show_message).toMatchObject({ status: 'fail', detail: expect.stringMatching(/You have a new message.*Show Message in Notification/) });
    expect(checks.Site_Url).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^not set: .*http:\/\/localhost:3000\//) });
  });

  it('warns on a missing privacy setting, plain http and a bad expiration; defaults are ok', () => {
    const checks = byName(settingChecks({ Site_Url: 'http://chat.example.com', Accounts_LoginExpiration: 0 }));
    expect(checks.Push_request_content_from_server).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^not in the table/) });
    expect(checks.Push_show_message!.status).toBe('ok');
    expect(checks.Site_Url).toMatchObject({ status: 'warn', detail: expect.stringContaining('plain http') });
    expect(checks.Accounts_LoginExpiration).toMatchObject({ status: 'warn', detail: expect.stringContaining('use 90') });
    expect(byName(settingChecks({})).Accounts_LoginExpiration).toMatchObject({ status: 'ok', detail: expect.stringContaining('90 days') });
  });

  it('a Site_Url that is no URL or not http(s) fails', () => {
    expect(byName(settingChecks({ Site_Url: 'chat.example.com' })).Site_Url!.status).toBe('fail');
    expect(byName(settingChecks({ Site_Url: 'ftp://chat.example.com' })).Site_Url!.status).toBe('fail');
  });
});

describe('schemaCheck: the table as push.get reads it', () => {
  // As DynamoDB Local describes a table made by ensureTable (test/integration/doctor-cli.test.ts checks that one end to end).
  const stackTable: TableShape = {
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'badge', partitionKey: 'badgeUser', projection: { type: 'INCLUDE', nonKeyAttributes: ['unread'] }, status: 'ACTIVE' }],
  };
  const withIndex = (index: Partial<TableShape['indexes'][number]>): TableShape => ({ ...stackTable, indexes: [{ ...stackTable.indexes[0]!, ...index }] });

  it("ok for the stack's table, and for an index that projects every attribute", () => {
    expect(schemaCheck(stackTable).status).toBe('ok');
    expect(schemaCheck(withIndex({ projection: { type: 'ALL' } })).status).toBe('ok');
  });

  it.each([
    ['no index', { ...stackTable, indexes: [] }, /^no index badge: every push\.get that finds its message fails with 500 \(store-error\)/],
    ['other keys', { ...stackTable, partitionKey: 'id', sortKey: undefined }, /^keys id\/\(none\), expected pk\/sk/],
    ['an index on another key', withIndex({ partitionKey: 'userId' }), /^index badge is keyed on userId, expected badgeUser/],
    ['an index without unread', withIndex({ projection: { type: 'KEYS_ONLY' } }), /^index badge does not project unread: badges come out wrong/],
    ['an index still being built', withIndex({ status: 'CREATING' }), /^index badge is CREATING/],
  ])('fails on %s, with the fix', (_, shape, detail) => {
    const check = schemaCheck(shape);
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(detail);
    expect(check.detail).toContain('let the CDK stack create the table');
  });
});

describe('countCheck', () => {
  it('fails an empty table, warns without tokens, lists every entity present', () => {
    expect(countCheck({})).toMatchObject({ status: 'fail', detail: expect.stringContaining('No users and no messages') });
    expect(countCheck({ users: 2, messages: 5 })).toMatchObject({ status: 'warn', detail: expect.stringContaining('No login tokens') });
    const ok = countCheck({ users: 2, tokens: 3, messages: 5, rooms: 1, tombstones: 4 });
    expect(ok).toStrictEqual({ name: 'items', status: 'ok', detail: 'users 2, tokens 3, rooms 1, messages 5, tombstones 4' });
  });
});

describe('relayChecks', () => {
  const letter = (at: string, reason = 'document has no string _id') => ({ at, resumeToken: '{}', collection: 'users', documentId: 'u1', operationType: 'update', reason });

  it('a running relay with a fresh checkpoint and no dead letters is ok', () => {
    const checks = relayChecks({ owner: 'relay-a', leaseUntil: NOW + 20_000, checkpointedAt: NOW - 5_000, resumeToken: '{}' }, [], NOW);
    expect(checks.map(({ status }) => status)).toStrictEqual(['ok', 'ok', 'ok']);
    expect(checks[0]!.detail).toContain('relay-a');
  });

  it('never run: warns twice', () => {
    expect(relayChecks({}, [], NOW).map(({ status }) => status)).toStrictEqual(['warn', 'warn', 'ok']);
  });

  it('a stopped relay fails the lease; its old checkpoint is fine', () => {
    const [lease, checkpoint] = relayChecks({ owner: 'relay-a', leaseUntil: NOW - 3 * 3_600_000, checkpointedAt: NOW - 3 * 3_600_000 }, [], NOW);
    expect(lease).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no relay is running \(last holder relay-a; its lease ended 3 h ago\)/) });
    expect(checkpoint!.status).toBe('ok');
    expect(relayChecks({ owner: 'relay-a', leaseUntil: 0, checkpointedAt: NOW }, [], NOW)[0]!.detail).toContain('released');
  });

  it('a held lease with an old checkpoint warns: stuck', () => {
    const [, checkpoint] = relayChecks({ owner: 'relay-a', leaseUntil: NOW + 20_000, checkpointedAt: NOW - CHECKPOINT_AGE_LIMIT_MS - 60_000 }, [], NOW);
    expect(checkpoint).toMatchObject({ status: 'warn', detail: expect.stringContaining('stuck') });
  });

  it('dead letters warn, grouped, with the newest time', () => {
    const [, , dead] = relayChecks({}, [letter('2026-12-01T00:00:00.000Z'), letter('2026-12-03T00:00:00.000Z'), letter('2026-12-02T00:00:00.000Z', 'other')], NOW);
    expect(dead).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^3 change\(s\).*newest 2026-12-03T00:00:00.000Z.*2 × users update: document has no string _id; 1 × users update: other/),
    });
  });
});

describe('routeCheck', () => {
  const url = 'https://chat.example.com';

  it('ok when API Gateway (x-amzn-RequestId) answers 401 at Site_Url', () => {
    expect(routeCheck({ url, answered: true, status: 401, requestId: 'r-1' }, url)).toMatchObject({ status: 'ok', detail: expect.stringContaining('this API answered') });
  });

  it('fails when another server answers, pointing at the nginx recipe', () => {
    expect(routeCheck({ url, answered: true, status: 401, server: 'nginx' }, url)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/routing is missing.*docs\/deploy.md/) });
  });

  it('fails when the gateway answers anything but 401 (the path misses the resource)', () => {
    expect(routeCheck({ url, answered: true, status: 403, requestId: 'r' }, url)).toMatchObject({ status: 'fail', detail: expect.stringContaining('stage') });
  });

  it('fails when nothing answers', () => {
    expect(routeCheck({ url, answered: false, error: 'ECONNREFUSED' }, url)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^nothing answered .*ECONNREFUSED/) });
  });

  it('warns when the URL checked is not Site_Url', () => {
    expect(routeCheck({ url: 'http://127.0.0.1:8080', answered: true, status: 401, requestId: 'r' }, url)).toMatchObject({ status: 'warn', detail: expect.stringContaining(`Site_Url is ${url}`) });
  });
});

describe('exit code and human format', () => {
  const checks: Check[] = [
    { name: 'a', status: 'ok', detail: 'fine' },
    { name: 'longer', status: 'warn', detail: 'hmm' },
  ];

  it('is 1 only when a check fails', () => {
    expect(exitCode(checks)).toBe(0);
    expect(exitCode([...checks, { name: 'b', status: 'fail', detail: 'no' }])).toBe(1);
  });

  it('one aligned line per check, then the tally', () => {
    expect(formatChecks(checks)).toBe('ok    a       fine\nWARN  longer  hmm\n\n1 ok, 1 warning(s), 0 failure(s)\n');
  });
});
