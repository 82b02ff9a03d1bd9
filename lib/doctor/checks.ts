/**
 * `npm run doctor`'s checks, as pure functions of what was read: the settings that decide whether
 * the phones call push.get at all and what they show, the table's contents, the relay's state and
 * the routing of `<Site_Url>/api/v1/push.get`. Each check says ok, warn or fail, and the fix.
 * The reading is behind a port (DoctorStore, lib/doctor/dynamo-doctor-store.ts); the probe of the
 * URL is lib/doctor/route.ts. Documented in docs/operations.md, "doctor".
 */
import { ENTITIES } from '../dynamodb/keys';
import type { DeadLetter, RelayState } from '../dynamodb/relay-store';
import { DEFAULT_SETTINGS, type StoredSettingId } from '../core/settings';
import { TABLE_SCHEMA, type IndexProjection } from '../dynamodb/table-schema';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  /** What was found and, unless ok, what to do about it. */
  detail: string;
}

/** Stored setting values by id; an id the table does not hold is absent. */
export type StoredSettings = Partial<Record<StoredSettingId, unknown>>;

/** Live items per entity (ENTITIES), and `tombstones`: deleted items the sync remembers. */
export type ItemCounts = Record<string, number>;

/** The table's keys and global secondary indexes as DynamoDB describes them. */
export interface TableShape {
  partitionKey?: string;
  sortKey?: string;
  indexes: { name: string; partitionKey?: string; sortKey?: string; projection: IndexProjection; status?: string }[];
}

/** What doctor reads from the table. */
export interface DoctorStore {
  shape(): Promise<TableShape>;
  settings(): Promise<StoredSettings>;
  /** One pass over the table's keys; `onProgress` after each page with the items seen so far. */
  countItems(onProgress?: (scanned: number) => void): Promise<ItemCounts>;
  relayState(): Promise<RelayState>;
  deadLetters(): Promise<DeadLetter[]>;
}

/** What `--url` found at `<url>/api/v1/push.get`, asked without credentials. */
export type RouteProbe =
  | { url: string; answered: true; status: number; /** API Gateway's `x-amzn-RequestId` (the local API sends one too). */ requestId?: string; server?: string }
  | { url: string; answered: false; error: string };

/** Checkpoints older than this while a relay holds the lease: the same limit as the stack's alarm (docs/deploy.md). */
export const CHECKPOINT_AGE_LIMIT_MS = 10 * 60_000;

const PRIVACY = 'Administration → Settings → Push → Privacy';
const ROUTING_DOC = 'docs/deploy.md, "Point Rocket.Chat and the mobile apps at it"';

export function settingChecks(settings: StoredSettings): Check[] {
  return [requestContentFromServer(settings.Push_request_content_from_server), showMessage(settings.Push_show_message), siteUrl(settings.Site_Url), loginExpiration(settings.Accounts_LoginExpiration)];
}

function requestContentFromServer(value: unknown): Check {
  const name = 'Push_request_content_from_server';
  const licence = 'it is an Enterprise setting (module push-privacy): without that licence Rocket.Chat treats it as off whatever is stored';
  if (value === true) return { name, status: 'ok', detail: `on: pushes carry only the message id and the phones ask push.get for the content (${licence})` };
  if (value === false) {
    return {
      name,
      status: 'fail',
      detail: `off: Rocket.Chat puts the content in the push itself and the phones never call push.get; turn on "Hide message content from Apple and Google" (${PRIVACY}); the sync carries the change, or import again`,
    };
  }
  if (value === undefined) {
    return {
      name,
      status: 'warn',
      detail: `not in the table (an import older than this check skipped it, or the export lacks it): import again or let the sync carry it; Rocket.Chat's default is on, ${licence}`,
    };
  }
  return { name, status: 'warn', detail: `stored value is not a boolean (${describe(value)}): check it in ${PRIVACY}` };
}

function showMessage(value: unknown): Check {
  const name = 'Push_show_message';
  if (value === false) {
    return { name, status: 'fail', detail: `off: push.get answers "You have a new message" for every message, as Rocket.Chat does; turn on "Show Message in Notification" (${PRIVACY})` };
  }
  if (value === true || value === undefined) return { name, status: 'ok', detail: value === true ? 'on: notifications show the text' : `not in the table: Rocket.Chat's default (on) applies` };
  return { name, status: 'warn', detail: `stored value is not a boolean (${describe(value)}), so push.get uses the default (on): check it in ${PRIVACY}` };
}

function siteUrl(value: unknown): Check {
  const name = 'Site_Url';
  const fix = 'set Site_Url (Administration → Settings → General) to the https URL the apps use, then import again or let the sync carry it';
  if (typeof value !== 'string' || value.trim() === '') {
    return { name, status: 'fail', detail: `not set: every answer's payload.host falls back to ${DEFAULT_SETTINGS.siteUrl}/, which no phone reaches; ${fix}` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { name, status: 'fail', detail: `"${value}" is not a URL; ${fix}` };
  }
  if (url.protocol === 'https:') return { name, status: 'ok', detail: `${value} (the phones call ${joinPath(value, '/api/v1/push.get')})` };
  if (url.protocol === 'http:') return { name, status: 'warn', detail: `${value} is plain http: the apps send their login token in the clear, and iOS refuses http by default; ${fix}` };
  return { name, status: 'fail', detail: `${value} is not an http(s) URL; ${fix}` };
}

function loginExpiration(value: unknown): Check {
  const name = 'Accounts_LoginExpiration';
  const fallback = DEFAULT_SETTINGS.loginExpirationDays;
  if (value === undefined) return { name, status: 'ok', detail: `not in the table: Rocket.Chat's default applies, login tokens expire ${fallback} days after the login` };
  if (typeof value === 'number' && value > 0) {
    return { name, status: 'ok', detail: `${value} days: a phone whose login is older gets 401 and shows "You have a new message" until the user logs in again` };
  }
  return {
    name,
    status: 'warn',
    detail: `stored value ${describe(value)} is not a positive number of days, so Rocket.Chat and push.get use ${fallback}; set Accounts_LoginExpiration (Administration → Settings → Accounts)`,
  };
}

/**
 * The table as the stack creates it (lib/dynamodb/table-schema.ts). A table made by hand without the
 * badge index answers every push.get with 500 (store-error), since the handler reads the badge there.
 */
export function schemaCheck(shape: TableShape): Check {
  const name = 'table-schema';
  const fix = 'let the CDK stack create the table (npm run deploy), or npm start / npm run import on a local engine, then import again';
  const keys = `${TABLE_SCHEMA.partitionKey}/${TABLE_SCHEMA.sortKey}`;
  if (shape.partitionKey !== TABLE_SCHEMA.partitionKey || shape.sortKey !== TABLE_SCHEMA.sortKey) {
    return { name, status: 'fail', detail: `keys ${shape.partitionKey ?? '?'}/${shape.sortKey ?? '(none)'}, expected ${keys}: no request can find its items; ${fix}` };
  }
  const problems = TABLE_SCHEMA.indexes.flatMap((wanted) => {
    const found = shape.indexes.find((index) => index.name === wanted.name);
    if (!found) return [`no index ${wanted.name}: every push.get that finds its message fails with 500 (store-error)`];
    if (found.partitionKey !== wanted.partitionKey || found.sortKey !== undefined) return [`index ${wanted.name} is keyed on ${found.partitionKey ?? '?'}, expected ${wanted.partitionKey}`];
    if (!projects(found.projection, wanted.projection)) return [`index ${wanted.name} does not project ${describeProjection(wanted.projection)}: badges come out wrong`];
    if (found.status !== undefined && found.status !== 'ACTIVE') return [`index ${wanted.name} is ${found.status}: push.get fails until it is ACTIVE`];
    return [];
  });
  if (problems.length > 0) return { name, status: 'fail', detail: `${problems.join('; ')}; ${fix}` };
  return { name, status: 'ok', detail: `keys ${keys}; ${TABLE_SCHEMA.indexes.map((index) => index.name).join(', ')} present` };
}

/** Whether an index projecting `found` carries every attribute `wanted` names. */
function projects(found: IndexProjection, wanted: IndexProjection): boolean {
  if (found.type === 'ALL' || wanted.type === 'KEYS_ONLY') return true;
  if (wanted.type === 'ALL') return false;
  return found.type === 'INCLUDE' && wanted.nonKeyAttributes.every((attribute) => found.nonKeyAttributes.includes(attribute));
}

function describeProjection(projection: IndexProjection): string {
  return projection.type === 'INCLUDE' ? projection.nonKeyAttributes.join(', ') : projection.type;
}

export function countCheck(counts: ItemCounts): Check {
  const name = 'items';
  const listed = [...ENTITIES, 'tombstones']
    .filter((entity) => (counts[entity] ?? 0) > 0 || ['users', 'tokens', 'messages'].includes(entity))
    .map((entity) => `${entity} ${counts[entity] ?? 0}`)
    .join(', ');
  const empty = (['users', 'messages'] as const).filter((entity) => !counts[entity]);
  if (empty.length > 0) {
    return { name, status: 'fail', detail: `${listed}. No ${empty.join(' and no ')}: every push.get is refused; load the table (npm run import, or npm run sync for a live copy)` };
  }
  if (!counts.tokens) return { name, status: 'warn', detail: `${listed}. No login tokens: every phone gets 401 until a login reaches the table (the sync carries logins)` };
  return { name, status: 'ok', detail: listed };
}

export function relayChecks(state: RelayState, deadLetters: DeadLetter[], now: number): Check[] {
  return [leaseCheck(state, now), checkpointCheck(state, now), deadLetterCheck(deadLetters)];
}

function leaseCheck({ owner, leaseUntil, checkpointedAt }: RelayState, now: number): Check {
  const name = 'relay-lease';
  if (owner === undefined && checkpointedAt === undefined) {
    return {
      name,
      status: 'warn',
      detail: 'no relay has run on this table: new messages, logins and logouts reach it only by another import; run the sync (npm run sync, or the stack with sync=fargate; docs/deploy.md)',
    };
  }
  if (leaseUntil !== undefined && leaseUntil > now) return { name, status: 'ok', detail: `held by ${owner} until ${iso(leaseUntil)}` };
  const ended = leaseUntil ? `its lease ended ${ago(now - leaseUntil)} ago` : 'it released its lease when it stopped';
  return {
    name,
    status: 'fail',
    detail: `no relay is running (last holder ${owner ?? 'unknown'}; ${ended}): the table no longer follows Rocket.Chat, so new messages answer error-message-not-found; start the sync again (npm run sync, or the Fargate service)`,
  };
}

function checkpointCheck({ checkpointedAt, leaseUntil }: RelayState, now: number): Check {
  const name = 'relay-checkpoint';
  if (checkpointedAt === undefined) {
    return { name, status: 'warn', detail: 'no checkpoint: no relay has finished its first snapshot here (or it was asked to --resnapshot); the next start loads a snapshot' };
  }
  const age = now - checkpointedAt;
  const running = leaseUntil !== undefined && leaseUntil > now;
  if (age <= CHECKPOINT_AGE_LIMIT_MS) return { name, status: 'ok', detail: `written ${ago(age)} ago (${iso(checkpointedAt)})` };
  if (!running) return { name, status: 'ok', detail: `written ${ago(age)} ago (${iso(checkpointedAt)}), when the relay last ran: a restart resumes there while MongoDB's oplog still holds it` };
  return {
    name,
    status: 'warn',
    detail: `written ${ago(age)} ago (${iso(checkpointedAt)}) although a relay holds the lease: it is stuck or falling behind; read its log (a stopped relay names the cause) and restart it`,
  };
}

function deadLetterCheck(letters: DeadLetter[]): Check {
  const name = 'relay-dead-letters';
  if (letters.length === 0) return { name, status: 'ok', detail: 'none' };
  const groups = new Map<string, number>();
  for (const { collection, operationType, reason } of letters) {
    const key = `${collection} ${operationType}: ${reason}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const newest = letters
    .map(({ at }) => at)
    .sort()
    .at(-1);
  const summary = [...groups].map(([key, count]) => `${count} × ${key}`).join('; ');
  return {
    name,
    status: 'warn',
    detail: `${letters.length} change(s) the relay could not apply, newest ${newest} (${summary}); those documents are stale or missing in the table. Fix the cause, then reload them (npm run sync -- --resnapshot, or import again); the items (SYNC#DEADLETTER) expire after 14 days`,
  };
}

/** The route check: who answered `<url>/api/v1/push.get`, and whether `url` is the Site_Url the phones use. */
export function routeCheck(probe: RouteProbe, storedSiteUrl: unknown): Check {
  const name = 'route';
  const target = joinPath(probe.url, '/api/v1/push.get');
  if (!probe.answered) {
    return { name, status: 'fail', detail: `nothing answered ${target}: ${probe.error}; check the URL, DNS and the proxy in front of Rocket.Chat` };
  }
  if (probe.requestId === undefined) {
    const server = probe.server ? `, Server: ${probe.server}` : '';
    return {
      name,
      status: 'fail',
      detail: `something other than this API answered ${target} (HTTP ${probe.status}${server}, no x-amzn-RequestId): most likely Rocket.Chat itself, so the routing is missing and the phones never reach push.get here; route that one path to the API (the nginx location in ${ROUTING_DOC})`,
    };
  }
  if (probe.status !== 401) {
    return {
      name,
      status: 'fail',
      detail: `API Gateway answered ${target} with HTTP ${probe.status}, not the 401 push.get gives a request without credentials: the proxy reaches the API but not its push.get resource (a missing stage such as /prod in proxy_pass?); see ${ROUTING_DOC}`,
    };
  }
  const answered = `this API answered ${target} (HTTP 401 without credentials, x-amzn-RequestId ${probe.requestId})`;
  if (typeof storedSiteUrl === 'string' && storedSiteUrl !== '' && !sameOrigin(storedSiteUrl, probe.url)) {
    return { name, status: 'warn', detail: `${answered}, but Site_Url is ${storedSiteUrl}: the phones call Site_Url's host, so check that one (--url ${storedSiteUrl})` };
  }
  return { name, status: 'ok', detail: answered };
}

/** 0 when no check failed, 1 when any did (warnings do not change it). */
export function exitCode(checks: Check[]): 0 | 1 {
  return checks.some(({ status }) => status === 'fail') ? 1 : 0;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** The human format: one line per check, then the tally. */
export function formatChecks(checks: Check[]): string {
  const width = Math.max(...checks.map(({ name }) => name.length));
  const lines = checks.map(({ name, status, detail }) => `${LABEL[status]}  ${name.padEnd(width)}  ${detail}`);
  const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failure(s)`);
  return `${lines.join('\n')}\n`;
}

export interface DoctorRun {
  store: DoctorStore;
  now: number;
  /** With `--url`: probes it (lib/doctor/route.ts). */
  probe?: () => Promise<RouteProbe>;
  onCountProgress?: (scanned: number) => void;
}

/** Every check, in the order printed. */
export async function runDoctor({ store, now, probe, onCountProgress }: DoctorRun): Promise<Check[]> {
  const [settings, shape, state, letters, route] = await Promise.all([store.settings(), store.shape(), store.relayState(), store.deadLetters(), probe?.()]);
  const counts = await store.countItems(onCountProgress);
  return [...settingChecks(settings), schemaCheck(shape), countCheck(counts), ...relayChecks(state, letters, now), ...(route ? [routeCheck(route, settings.Site_Url)] : [])];
}

function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration an operator reads at a glance: 45 s, 12 min, 3 h, 2 d. */
export function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
