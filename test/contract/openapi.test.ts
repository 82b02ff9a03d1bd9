/**
 * The OpenAPI document (openapi/push.get.openapi.json): structurally OpenAPI 3.0, faithful to the
 * seed (paths, parameters, example) with real JSON types, and strict where the spec is.
 */
import { describe, expect, it } from 'vitest';
import { AnswerValidator, documentProblems, loadDocument, responseFor, toJsonSchema, validateAnswer } from '../support/openapi';
import { SEED_ANSWER } from '../support/seed';

const doc = loadDocument();
const LOGIN_REQUIRED = 'You must be logged in to do this.';
const UNAUTHORIZED = { success: false, error: LOGIN_REQUIRED, status: 'error', message: LOGIN_REQUIRED };
const BAD_REQUEST_TEXTS = [
  "Match error: Missing key 'id'",
  'Match error: Expected string, got object in field id',
  'error-message-not-found',
  'error-room-not-found',
  'error-not-allowed',
  'Message sender not found',
];

/** A deep copy of the seed answer with one change applied. */
function seedWith(change: (answer: any) => void): unknown {
  const copy = structuredClone(SEED_ANSWER) as any;
  change(copy);
  return copy;
}

/** The schema (references inlined) of a response's JSON body. */
function bodySchema(status: number): any {
  return toJsonSchema(doc, (responseFor(doc, status)!.content as any)['application/json'].schema);
}

/** A minimal valid document to break on purpose. */
function minimalDocument(): any {
  return {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/api/v1/push.get': {
        get: {
          operationId: 'op',
          parameters: [{ name: 'id', in: 'query', required: true, schema: { type: 'string' }, example: 'x' }],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' }, s: { type: 'boolean' } } },
                  examples: { One: { value: { n: 1, s: true } } },
                },
              },
            },
          },
        },
      },
    },
  };
}

describe('the document is OpenAPI 3.0', () => {
  it('passes the structural check, with every reference resolved and every example fitting its schema', async () => {
    expect(await documentProblems(doc)).toStrictEqual([]);
  });

  it('declares version 3.0.3', () => {
    expect(doc.openapi).toBe('3.0.3');
  });

  it('the structural check accepts the minimal document it is tested with', async () => {
    expect(await documentProblems(minimalDocument())).toStrictEqual([]);
  });

  it.each([
    ['the seed\'s `"required": "true"` (a string)', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].required = 'true'), /required/],
    [
      "the seed's example with a number as a string",
      (d: any) => (d.paths['/api/v1/push.get'].get.responses['200'].content['application/json'].examples.One.value.n = '2'),
      /examples\/One.*\/n must be integer/,
    ],
    ["the seed's example with a boolean as a string", (d: any) => (d.paths['/api/v1/push.get'].get.responses['200'].content['application/json'].examples.One.value.s = 'true'), /\/s must be boolean/],
    ['an OpenAPI 3.1 version', (d: any) => (d.openapi = '3.1.0'), /openapi/],
    ['a missing info', (d: any) => delete d.info, /info/],
    ['a response without description', (d: any) => delete d.paths['/api/v1/push.get'].get.responses['200'].description, /description/],
    ['an unknown status key', (d: any) => (d.paths['/api/v1/push.get'].get.responses['20x'] = { description: 'x' }), /20x is not expected to be here/],
    ['a path not starting with /', (d: any) => (d.paths['api/v1/x'] = {}), /`paths` object must begin with a leading slash/],
    ['a JSON Schema 2019 type list', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].schema = { type: ['string', 'null'] }), /schema/],
    ['`const`, which 3.0 does not have', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].schema = { type: 'string', const: 'x' }), /schema/],
    ['an array without items', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].schema = { type: 'array' }), /items/],
    ['a parameter in an unknown place', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].in = 'body'), /in/],
    ['a path parameter that is not required', (d: any) => d.paths['/api/v1/push.get'].get.parameters.push({ name: 'p', in: 'path', schema: { type: 'string' } }), /required/],
    [
      'a reference that points nowhere',
      (d: any) => (d.paths['/api/v1/push.get'].get.responses['401'] = { $ref: '#/components/responses/nope' }),
      /Missing \$ref pointer "#\/components\/responses\/nope"/,
    ],
    [
      'a required name that is not a property',
      (d: any) => d.paths['/api/v1/push.get'].get.responses['200'].content['application/json'].schema.required.push('ghost'),
      /required property "ghost" is not defined/,
    ],
    ['an enum value of another type', (d: any) => (d.paths['/api/v1/push.get'].get.parameters[0].schema = { type: 'integer', enum: ['10'] }), /enum value "10" is not of type integer/],
    ['a duplicate operationId', (d: any) => (d.paths['/other'] = { get: { operationId: 'op', responses: { '200': { description: 'x' } } } }), /operationId `op` is duplicated/],
  ])('the structural check refuses %s', async (_, breakIt, expected) => {
    const broken = minimalDocument();
    breakIt(broken);
    const problems = await documentProblems(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(expected);
  });
});

describe('faithful to the seed', () => {
  const get = (doc.paths as any)['/api/v1/push.get'].get;

  it("has the seed's one path and operation", () => {
    expect(Object.keys(doc.paths as object)).toStrictEqual(['/api/v1/push.get']);
    expect(Object.keys((doc.paths as any)['/api/v1/push.get'])).toStrictEqual(['get']);
    expect(get.operationId).toBe('get-api-v1-push.get');
    expect(get.tags).toStrictEqual(['Push Notifications']);
  });

  it("has the seed's parameters, `required` as a real boolean", () => {
    const parameters = get.parameters.map((p: any) => (p.$ref ? (doc.components as any).parameters[p.$ref.split('/').pop()] : p));
    expect(parameters.map((p: any) => [p.name, p.in, p.required, p.schema])).toStrictEqual([
      ['X-Auth-Token', 'header', true, { type: 'string' }],
      ['X-User-Id', 'header', true, { type: 'string' }],
      ['id', 'query', true, { type: 'string' }],
    ]);
    expect(parameters[2].example).toBe('WkbwSntxt8D3jLp8G');
  });

  it('its 200 example is the seed example with real numbers and booleans, key for key and in order', () => {
    const example = (responseFor(doc, 200)!.content as any)['application/json'].examples['Success Example'].value;
    expect(example).toStrictEqual(SEED_ANSWER);
    expect(JSON.stringify(example)).toBe(JSON.stringify(SEED_ANSWER));
    expect(example.data.notification.badge).toBe(2);
    expect(example.data.notification.notId).toBe(654494840);
    expect(example.success).toBe(true);
  });

  it('documents 200, 400, 401, 405, 429 and 500', () => {
    expect(Object.keys(get.responses)).toStrictEqual(['200', '400', '401', '405', '429', '500']);
  });
});

describe('strict where the spec is', () => {
  const answer = bodySchema(200);
  const notification = answer.properties.data.properties.notification;
  const payload = notification.properties.payload;

  it('requires what the spec and the clients require', () => {
    expect(answer.required).toStrictEqual(['data', 'success']);
    expect(answer.properties.data.required).toStrictEqual(['message', 'notification']);
    expect(notification.required).toStrictEqual(['from', 'badge', 'sound', 'priority', 'title', 'text', 'payload', 'userId', 'notId', 'gcm', 'apn']);
    expect(Object.keys(notification.properties)).toStrictEqual(notification.required);
    expect(payload.required).toStrictEqual(['host', 'messageId', 'notificationType', 'rid', 'sender', 'senderName', 'type']);
    expect(payload.properties.sender.required).toStrictEqual(['_id', 'username']);
    expect(notification.properties.gcm.required).toStrictEqual(['style', 'image']);
    expect(notification.properties.apn.required).toStrictEqual(['category']);
  });

  it('fixes the values the spec fixes', () => {
    expect(answer.properties.success).toStrictEqual({ type: 'boolean', enum: [true] });
    expect(notification.properties.from.enum).toStrictEqual(['push']);
    expect(notification.properties.sound.enum).toStrictEqual(['default']);
    expect(notification.properties.priority).toMatchObject({ type: 'integer', enum: [10] });
    expect(payload.properties.notificationType.enum).toStrictEqual(['message']);
    expect(payload.properties.type.enum).toStrictEqual(['c', 'd', 'p', 'l']);
    expect(notification.properties.apn.properties.category.enum).toStrictEqual(['MESSAGE', 'MESSAGE_NOREPLY']);
    expect(notification.properties.gcm.properties.style.enum).toStrictEqual(['inbox']);
  });

  it('types notId as a 32-bit integer and badge as an integer', () => {
    expect(notification.properties.notId).toMatchObject({ type: 'integer', format: 'int32', minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
    expect(notification.properties.badge).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('lets the stored message carry any further field', () => {
    expect(answer.properties.data.properties.message.additionalProperties).toBe(true);
  });

  it('lists the six 400 texts and the 401 body with both pairs', () => {
    expect(bodySchema(400).properties.error.enum).toStrictEqual(BAD_REQUEST_TEXTS);
    expect(bodySchema(401).required).toStrictEqual(['success', 'error', 'status', 'message']);
    expect((responseFor(doc, 401)!.content as any)['application/json'].examples['Authorization Error'].value).toStrictEqual(UNAUTHORIZED);
  });

  it('uses no `nullable` anywhere: absent keys are left out, never null', () => {
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
  });
});

describe('validateAnswer', () => {
  it('accepts the seed answer', () => {
    expect(validateAnswer(200, SEED_ANSWER)).toStrictEqual([]);
  });

  it("refuses the seed's own example types (numbers and booleans as strings)", () => {
    const problems = validateAnswer(
      200,
      seedWith((a) => {
        a.data.notification.badge = '2';
        a.data.notification.priority = '10';
        a.data.notification.notId = '654494840';
        a.success = 'true';
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining(['/data/notification/badge must be integer', '/data/notification/priority must be integer', '/data/notification/notId must be integer', '/success must be boolean']),
    );
  });

  it('accepts any further field of the stored message, and the optional payload keys', () => {
    const answer = seedWith((a) => {
      a.data.message.attachments = [{ image_type: 'image/png' }];
      a.data.message.customFields = { anything: [1, null, 'x'] };
      a.data.message.t = 'e2e';
      Object.assign(a.data.notification.payload, { messageType: 'e2e', tmid: 'thread1', msg: 'cipher', content: { algorithm: 'rc.v1.aes-sha2', ciphertext: 'cipher' } });
    });
    expect(validateAnswer(200, answer)).toStrictEqual([]);
  });

  it.each([
    ['a notId beyond 32 bits', (a: any) => (a.data.notification.notId = 2 ** 31), /notId must be <= 2147483647/],
    ['a fractional notId', (a: any) => (a.data.notification.notId = 1.5), /notId must be integer/],
    ['success false on a 200', (a: any) => (a.success = false), /success must be equal to one of the allowed values/],
    ['no payload.host', (a: any) => delete a.data.notification.payload.host, /must have required property 'host'/],
    ['a host without the trailing slash', (a: any) => (a.data.notification.payload.host = 'http://localhost:3000'), /host must match pattern/],
    ['a host with two trailing slashes', (a: any) => (a.data.notification.payload.host = 'http://localhost:3000//'), /host must match pattern/],
    ['an unknown room type', (a: any) => (a.data.notification.payload.type = 'x'), /type must be equal to one of the allowed values/],
    ['an unknown notificationType', (a: any) => (a.data.notification.payload.notificationType = 'message-id-only'), /notificationType/],
    ['a null title (nothing is nullable)', (a: any) => (a.data.notification.title = null), /title must be string/],
    ['a payload sent as a string', (a: any) => (a.data.notification.payload = JSON.stringify(a.data.notification.payload)), /payload must be object/],
    ['a sender without username', (a: any) => delete a.data.notification.payload.sender.username, /must have required property 'username'/],
    ['an extra notification key', (a: any) => (a.data.notification.extra = 1), /must NOT have additional properties \(extra\)/],
    ['an unknown apn category', (a: any) => (a.data.notification.apn.category = 'REPLY'), /category/],
    ['a message without _id', (a: any) => delete a.data.message._id, /must have required property '_id'/],
    ['a message date that is not ISO-8601', (a: any) => (a.data.message.ts = { $date: '2021-10-22T14:29:23.581Z' }), /ts must be string/],
  ])('refuses %s', (_, change, expected) => {
    const problems = validateAnswer(200, seedWith(change));
    expect(problems.join('\n')).toMatch(expected);
  });

  it.each(BAD_REQUEST_TEXTS)('accepts the 400 "%s"', (error) => {
    expect(validateAnswer(400, { success: false, error })).toStrictEqual([]);
  });

  it('refuses a 400 with another text, with success true, or with extra keys', () => {
    expect(validateAnswer(400, { success: false, error: 'error-something-else' })).not.toStrictEqual([]);
    expect(validateAnswer(400, { success: true, error: 'error-not-allowed' })).not.toStrictEqual([]);
    expect(validateAnswer(400, { success: false, error: 'error-not-allowed', stack: 'at x' })).not.toStrictEqual([]);
  });

  it('accepts the 401 body with both pairs and refuses the seed body with only one', () => {
    expect(validateAnswer(401, UNAUTHORIZED)).toStrictEqual([]);
    expect(validateAnswer(401, { status: 'error', message: LOGIN_REQUIRED })).toEqual(expect.arrayContaining(["/ must have required property 'success'", "/ must have required property 'error'"]));
  });

  it('accepts the 405, 429 and 500 bodies and refuses success true on each', () => {
    expect(validateAnswer(405, { success: false, error: 'Method not allowed' })).toStrictEqual([]);
    expect(validateAnswer(429, { success: false, error: 'Error, too many requests. Please slow down. ... [error-too-many-requests]' })).toStrictEqual([]);
    expect(validateAnswer(500, { success: false, error: 'Internal server error' })).toStrictEqual([]);
    for (const status of [400, 401, 405, 429, 500]) {
      expect(validateAnswer(status, { success: true, error: 'x' })).not.toStrictEqual([]);
    }
  });

  it('refuses a 500 that leaks a stack trace', () => {
    expect(validateAnswer(500, { success: false, error: 'TypeError: x is undefined\n    at handler (index.js:1:1)' })).not.toStrictEqual([]);
  });

  it('reports a status the document does not describe', () => {
    expect(validateAnswer(404, { success: false, error: 'Not found' })).toStrictEqual(['status 404 is not documented for GET /api/v1/push.get']);
  });

  it('handles `nullable` should a schema use it', () => {
    const nullable = minimalDocument();
    nullable.paths['/api/v1/push.get'].get.responses['200'].content['application/json'].schema.properties.s = { type: 'boolean', nullable: true };
    const validator = new AnswerValidator(nullable);
    expect(validator.validate(200, { n: 1, s: null })).toStrictEqual([]);
    expect(validator.validate(200, { n: 1, s: 'x' })).not.toStrictEqual([]);
    expect(validator.validate(200, { n: null })).not.toStrictEqual([]);
  });
});
