/**
 * How the two real mobile clients read a push.get answer, as checkers: each returns the reasons the
 * client would fail to show the notification, or show it wrong; an empty list means the client
 * renders it. Read from Rocket.Chat.ReactNative 4.72.0 (commit 2af4bda3e664, 2026-05-06).
 *
 * - Android (`android/.../notification/LoadNotification.java`, `CustomPushNotification.java`,
 *   `Ejson.java`): any non-2xx status is a failure; the RAW body is read by Gson into
 *   `data.notification.{notId, title, text, payload}` with every scalar as a String (a JSON number
 *   keeps its literal text: `1.0` stays "1.0"; nested classes need an object or null, unknown keys
 *   are skipped); `notId` goes through `Integer.parseInt`, and a missing one falls back to "1",
 *   which drops the Reply button; `notificationType` `videoconf` shows an incoming call instead of
 *   a message; Reply posts to `payload.host` minus one trailing "/" + `/api/v1/chat.sendMessage`
 *   with the credentials stored for that server; for rooms other than `d` the shown line is what
 *   follows the first ":" of `text` plus one character (empty when that is past the end).
 * - iOS (`ios/NotificationService/NotificationService.swift`, `ios/Shared/Models/*.swift`): the
 *   status is not looked at; the body must decode with a strict `JSONDecoder` into `PushResponse`
 *   and carry `success == true`.
 */
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';

type JsonObject = { [key: string]: unknown };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isLosslessNumber(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (isLosslessNumber(value)) return `number ${value.value}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Android

/** What the phone checks the answer against: the server URL its user logged in with. */
export interface AndroidExpectations {
  /** The deployment's Site_Url; `payload.host` must be it with exactly one trailing "/". */
  siteUrl?: string;
}

/** Gson's String adapter: null stays null, numbers keep their literal text, booleans become text, anything else throws. */
function gsonString(value: unknown, path: string, problems: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (isLosslessNumber(value)) return value.value;
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

/** Java's `Integer.parseInt`: optional sign, decimal digits only (no `.0`, no exponent), within 32 bits. */
function parsesAsJavaInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = Number(text);
  return value >= INT32_MIN && value <= INT32_MAX;
}

/** What Android's `extractMessage` shows for a notification text: after the first ":" and one more character. */
export function androidShownText(text: string, roomType: string | null): string {
  if (roomType === null || roomType === 'd') return text;
  const colon = text.indexOf(':');
  if (colon === -1) return text;
  const start = colon + 2;
  return start <= text.length ? text.substring(start) : '';
}

/** Gson over the raw body: numbers stay literals (LosslessNumber), as Gson's String adapter keeps them. */
function gsonParse(rawBody: string): { value: unknown } | { error: string } {
  try {
    return { value: parseLossless(rawBody) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function androidProblems(status: number, rawBody: string | undefined, expected: AndroidExpectations = {}): string[] {
  if (status < 200 || status > 299) {
    return [`HTTP ${status}: LoadNotification treats any non-2xx answer as a failure (retried, then the placeholder stays)`];
  }
  if (rawBody === undefined || rawBody.trim() === '') {
    return ['empty body: Gson yields null, counted as a failure'];
  }
  const parsed = gsonParse(rawBody);
  if ('error' in parsed) {
    return [`body is not JSON (${parsed.error}): JsonSyntaxException, retried, then the placeholder stays`];
  }
  const problems: string[] = [];
  const root = gsonObject(parsed.value, 'body', problems);
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
    problems.push('data.notification.notId is missing: it falls back to "1", so every such notification shares one id and has no Reply button');
  } else if (!parsesAsJavaInt(notId)) {
    problems.push(`data.notification.notId literal "${notId}" is not a plain 32-bit integer: Integer.parseInt throws, no notification is shown`);
  }
  if (title === null) problems.push('data.notification.title is missing: the notification has no title');
  if (text === null) problems.push('data.notification.text is missing: the notification has no text');
  if (!payload) {
    problems.push('data.notification.payload is missing: tapping or replying cannot find the room, and there is no Reply button');
  } else {
    for (const key of ['host', 'rid', 'type']) {
      if (fields[key] === null) problems.push(`data.notification.payload.${key} is missing: tapping or replying cannot find the room`);
    }
    if (fields.notificationType !== 'message') {
      problems.push(
        `data.notification.payload.notificationType is ${fields.notificationType === null ? 'missing' : `"${fields.notificationType}"`}: push.get answers a message ("message"); "videoconf" would ring as an incoming call`,
      );
    }
  }

  const host = fields.host ?? null;
  if (host !== null && !/[^/]\/$/.test(host)) {
    problems.push(`data.notification.payload.host "${host}" does not end in exactly one "/": the app strips one and finds no credentials for the rest`);
  } else if (host !== null && expected.siteUrl !== undefined && host !== `${expected.siteUrl.replace(/\/+$/, '')}/`) {
    problems.push(`data.notification.payload.host "${host}" is not the server URL ${expected.siteUrl} + "/": Reply posts there with the credentials stored for that server`);
  }

  // Group chats: the shown line is what follows the first ":" and one character, so the text must be "<sender>: <body>".
  const type = fields.type ?? null;
  const senderName = fields.senderName ?? '';
  if (text !== null && (type === 'c' || type === 'p') && senderName !== '') {
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
