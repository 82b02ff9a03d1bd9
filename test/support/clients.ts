/**
 * How the two real mobile clients read a push.get answer (Rocket.Chat.ReactNative), as checkers:
 * each returns the reasons the client would fail to show the notification, or show it wrong;
 * an empty list means the client renders it.
 *
 * - Android (`LoadNotification.java` + `CustomPushNotification.java`): any non-2xx status is a
 *   failure; the body is read by Gson into `data.notification.{notId, title, text, payload}`
 *   (String fields accept any JSON primitive, nested classes need an object or null, unknown keys
 *   are skipped); `notId` goes through `Integer.parseInt`; for rooms other than `d` the shown text
 *   is what follows the first `:` of `text` (plus one space).
 * - iOS (`NotificationService.swift`, `Shared/Models/*.swift`): the status is not looked at; the
 *   body must decode with a strict `JSONDecoder` into `PushResponse` and carry `success == true`.
 */

type JsonObject = { [key: string]: unknown };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Android

/** Gson's String adapter: null stays null, numbers and booleans become their text, anything else throws. */
function gsonString(value: unknown, path: string, problems: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  problems.push(`${path}: Gson cannot read ${describe(value)} into a String (JsonSyntaxException, retried, then no content)`);
  return null;
}

/** Gson's reflective adapter for a nested class: an object or null, else it throws. */
function gsonObject(value: unknown, path: string, problems: string[]): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (isObject(value)) return value;
  problems.push(`${path}: Gson expects an object, got ${describe(value)} (JsonSyntaxException, retried, then no content)`);
  return null;
}

/** Java's `Integer.parseInt`: optional sign, decimal digits, within 32 bits. */
function parsesAsJavaInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = Number(text);
  return value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * What Android's `extractMessage` shows for a notification text; undefined where Java's
 * `substring` would throw (a text ending in its first ":").
 */
export function androidShownText(text: string, roomType: string | null): string | undefined {
  if (roomType !== null && roomType !== 'd') {
    const colon = text.indexOf(':');
    const start = colon === -1 ? 0 : colon + 2;
    return start > text.length ? undefined : text.substring(start);
  }
  return text;
}

export function androidProblems(status: number, body: unknown): string[] {
  if (status < 200 || status > 299) {
    return [`HTTP ${status}: LoadNotification treats any non-2xx answer as a failure (retried, then the placeholder stays)`];
  }
  const problems: string[] = [];
  if (body === undefined || body === null) {
    return ['empty body: Gson yields null, counted as a failure'];
  }
  const root = gsonObject(body, 'body', problems);
  const data = gsonObject(root?.data, 'data', problems);
  const notification = gsonObject(data?.notification, 'data.notification', problems);
  if (problems.length > 0) return problems;
  if (!notification) {
    return [`data.notification is ${describe(data?.notification)}: "invalid response structure", retried, then the placeholder stays`];
  }

  const notId = gsonString(notification.notId, 'data.notification.notId', problems);
  const title = gsonString(notification.title, 'data.notification.title', problems);
  const text = gsonString(notification.text, 'data.notification.text', problems);
  const payload = gsonObject(notification.payload, 'data.notification.payload', problems);
  const fields: Record<string, string | null> = {};
  for (const key of ['host', 'rid', 'type', 'messageId', 'notificationType', 'name', 'messageType', 'senderName', 'msg', 'tmid']) {
    fields[key] = gsonString(payload?.[key], `data.notification.payload.${key}`, problems);
  }
  const sender = gsonObject(payload?.sender, 'data.notification.payload.sender', problems);
  for (const key of ['_id', 'username', 'name']) gsonString(sender?.[key], `data.notification.payload.sender.${key}`, problems);
  const content = gsonObject(payload?.content, 'data.notification.payload.content', problems);
  for (const key of ['algorithm', 'ciphertext', 'kid', 'iv']) gsonString(content?.[key], `data.notification.payload.content.${key}`, problems);

  if (notId === null) {
    problems.push('data.notification.notId is missing: every such notification would share the fallback id "1"');
  } else if (!parsesAsJavaInt(notId)) {
    problems.push(`data.notification.notId "${notId}" does not parse as a 32-bit int: Integer.parseInt throws, no notification is shown`);
  }
  if (title === null) problems.push('data.notification.title is missing: the notification has no title');
  if (text === null) problems.push('data.notification.text is missing: the notification has no text');
  if (!payload) {
    problems.push('data.notification.payload is missing: tapping or replying cannot find the room');
  } else {
    for (const key of ['host', 'rid', 'type']) {
      if (fields[key] === null) problems.push(`data.notification.payload.${key} is missing: tapping or replying cannot find the room`);
    }
  }

  // Group chats: the shown line is what follows the first ":", so the text must be "<sender>: <body>".
  const type = fields.type ?? null;
  const senderName = fields.senderName ?? '';
  if (text !== null && androidShownText(text, type) === undefined) {
    problems.push(`data.notification.text "${text}" ends in its first ":": Android's substring throws, no notification is shown`);
  } else if (text !== null && (type === 'c' || type === 'p') && senderName !== '') {
    if (senderName.includes(':')) {
      problems.push(`payload.senderName "${senderName}" contains ":": Android would cut the text inside the name`);
    } else if (!text.startsWith(`${senderName}: `)) {
      problems.push(`data.notification.text "${text}" does not start with "${senderName}: ": Android would show "${androidShownText(text, type)}"`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// iOS

type Decoder = (value: unknown, path: string, problems: string[]) => void;

function swiftString(optional: boolean): Decoder {
  return (value, path, problems) => {
    if (value === undefined || value === null) {
      if (!optional) problems.push(`${path}: keyNotFound/valueNotFound (String required, got ${describe(value)})`);
    } else if (typeof value !== 'string') {
      problems.push(`${path}: typeMismatch (String expected, got ${describe(value)})`);
    }
  };
}

function swiftInt(optional: boolean): Decoder {
  return (value, path, problems) => {
    if (value === undefined || value === null) {
      if (!optional) problems.push(`${path}: keyNotFound/valueNotFound (Int required, got ${describe(value)})`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      problems.push(`${path}: typeMismatch (Int expected, got ${describe(value)})`);
    }
  };
}

function swiftEnum(values: readonly string[]): Decoder {
  return (value, path, problems) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') {
      problems.push(`${path}: typeMismatch (String enum expected, got ${describe(value)})`);
    } else if (!values.includes(value)) {
      problems.push(`${path}: dataCorrupted ("${value}" is not one of ${values.join(', ')})`);
    }
  };
}

function swiftStruct(fields: Record<string, Decoder>, optional: boolean): Decoder {
  return (value, path, problems) => {
    if (value === undefined || value === null) {
      if (!optional) problems.push(`${path}: keyNotFound/valueNotFound (object required, got ${describe(value)})`);
      return;
    }
    if (!isObject(value)) {
      problems.push(`${path}: typeMismatch (object expected, got ${describe(value)})`);
      return;
    }
    for (const [key, decode] of Object.entries(fields)) decode(value[key], `${path}.${key}`, problems);
  };
}

/** `MessageType` decodes anything (unknown values become `.unknown`). */
const anything: Decoder = () => undefined;

const IOS_PAYLOAD = swiftStruct(
  {
    host: swiftString(false),
    rid: swiftString(true),
    type: swiftEnum(['d', 'p', 'c', 'l']),
    sender: swiftStruct({ _id: swiftString(false), username: swiftString(false), name: swiftString(true) }, true),
    messageId: swiftString(true),
    notificationType: swiftEnum(['message', 'message-id-only', 'videoconf']),
    name: swiftString(true),
    messageType: anything,
    msg: swiftString(true),
    senderName: swiftString(true),
    tmid: swiftString(true),
    content: swiftStruct({ algorithm: swiftString(false), ciphertext: swiftString(false), kid: swiftString(true), iv: swiftString(true) }, true),
    caller: swiftStruct({ _id: swiftString(true), name: swiftString(true) }, true),
    callId: swiftString(true),
    status: swiftInt(true),
  },
  false,
);

const IOS_RESPONSE = swiftStruct(
  {
    success: (value, path, problems) => {
      if (typeof value !== 'boolean') problems.push(`${path}: ${value === undefined ? 'keyNotFound' : 'typeMismatch'} (Bool required, got ${describe(value)})`);
    },
    data: swiftStruct(
      {
        notification: swiftStruct({ notId: swiftInt(false), title: swiftString(false), text: swiftString(false), payload: IOS_PAYLOAD }, false),
      },
      false,
    ),
  },
  false,
);

export function iosProblems(status: number, body: unknown): string[] {
  // The extension never looks at the status code: only at whether the body decodes with success.
  const problems: string[] = [];
  if (body === undefined) {
    return [`HTTP ${status} with an empty body: nothing to decode (retried, then the placeholder stays)`];
  }
  IOS_RESPONSE(body, 'body', problems);
  if (problems.length === 0 && isObject(body) && body.success !== true) {
    problems.push('body.success is false: treated as a failure (retried, then the placeholder stays)');
  }
  if (problems.length === 0) {
    const payload = (body as { data: { notification: { payload: JsonObject } } }).data.notification.payload;
    for (const key of ['rid', 'type']) {
      if (payload[key] === undefined || payload[key] === null) problems.push(`body.data.notification.payload.${key} is missing: tapping or replying cannot find the room`);
    }
  }
  return problems.map((problem) => `HTTP ${status}: ${problem}`);
}
