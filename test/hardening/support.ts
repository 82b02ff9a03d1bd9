/**
 * Shared helpers of the hardening suite: the spec's exact bodies, the export writer of
 * test/support/exports.ts (exports are written at test time so login-token dates are relative to
 * now), table scans, and fake
 * DynamoDB endpoints on loopback (closed port, silent server, throttling server).
 */
import { CONFIG_STAMP_KEY } from '../../lib/dynamodb/config-keys';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEMO_FIXTURES } from '../support/dynamo';
import { tempDir } from '../support/exports';

export { tempDir, writeExport, type Collections } from '../support/exports';

// ---- the contract's bodies ---------------------------------------------------------------------

const LOGIN = 'You must be logged in to do this.';
export const UNAUTHORIZED_BODY = { success: false, error: LOGIN, status: 'error', message: LOGIN } as const;
export const INTERNAL_BODY = { success: false, error: 'Internal server error' } as const;
export const MISSING_ID = "Match error: Missing key 'id'";
export const NOT_A_STRING = 'Match error: Expected string, got object in field id';
export const MESSAGE_NOT_FOUND = 'error-message-not-found';
export const ROOM_NOT_FOUND = 'error-room-not-found';
export const NOT_ALLOWED = 'error-not-allowed';
export const SENDER_NOT_FOUND = 'Message sender not found';
export const ERROR_TEXTS = [MISSING_ID, NOT_A_STRING, MESSAGE_NOT_FOUND, ROOM_NOT_FOUND, NOT_ALLOWED, SENDER_NOT_FOUND] as const;

export const bad = (error: string) => ({ status: 400, body: { success: false, error } });

export interface Answer {
  status: number;
  text: string;
  body: unknown;
}

/**
 * Checks that an answer is one of the documented status/body pairs and returns a reason when it
 * is not (undefined when it is). 200 must be a full success answer; every error is exact.
 */
export function specViolation({ status, text, body }: Answer, method = 'GET'): string | undefined {
  if (status >= 500) return `5xx: ${status} ${text.slice(0, 200)}`;
  if (/\bat [\w.<>]+ \(|node:internal|\.ts:\d+|Error:/.test(text)) return `looks like a stack trace: ${text.slice(0, 200)}`;
  const object = body as Record<string, unknown> | undefined;
  switch (status) {
    case 200: {
      const data = object?.data as Record<string, any> | undefined;
      if (object?.success !== true || !data?.message || !data.notification || Object.keys(object).join() !== 'data,success') {
        return `200 without a success answer: ${text.slice(0, 200)}`;
      }
      return undefined;
    }
    case 400:
      return isExact(object, ['success', 'error']) && object!.success === false && (ERROR_TEXTS as readonly unknown[]).includes(object!.error)
        ? undefined
        : `400 with an undocumented body: ${text.slice(0, 200)}`;
    case 401:
      return JSON.stringify(body) === JSON.stringify(UNAUTHORIZED_BODY) ? undefined : `401 with another body: ${text.slice(0, 200)}`;
    case 404:
    case 405:
      if (method === 'HEAD') return text === '' ? undefined : 'HEAD with a body';
      return isExact(object, ['success', 'error']) && object!.success === false && typeof object!.error === 'string' ? undefined : `${status} without a JSON error body: ${text.slice(0, 200)}`;
    default:
      return `undocumented status ${status}: ${text.slice(0, 200)}`;
  }
}

function isExact(object: Record<string, unknown> | undefined, keys: string[]): boolean {
  return object !== undefined && object !== null && typeof object === 'object' && Object.keys(object).sort().join() === [...keys].sort().join();
}

/** One real HTTP call; the body is parsed when it is JSON. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

// ---- tokens ------------------------------------------------------------------------------------

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64');
export const hexHash = (token: string) => createHash('sha256').update(token).digest('hex');

export const DEMO_USERS = {
  rodriq: { id: 'd26x6zSkaPSe5gCyy', token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' },
  alice: { id: 'aliceUserId000001', token: 'demo-token-alice' },
  bob: { id: 'bobUserId00000001', token: 'demo-token-bob' },
  carol: { id: 'carolUserId000001', token: 'demo-token-carol' },
  dave: { id: 'daveUserId0000001', token: 'demo-token-dave' },
  erin: { id: 'erinUserId0000001', token: 'demo-token-erin' },
} as const;

export const authHeaders = (user: { id: string; token: string }) => ({ 'X-User-Id': user.id, 'X-Auth-Token': user.token });

// ---- exports -----------------------------------------------------------------------------------

/** Relaxed Extended JSON date, as mongoexport writes it. */
export const ejsonDate = (ms: number) => ({ $date: new Date(ms).toISOString() });

/** A copy of the demo export in a fresh temp dir, ready to be corrupted. */
export async function demoCopy(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  await cp(DEMO_FIXTURES, dir, { recursive: true });
  return dir;
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

// ---- tables ------------------------------------------------------------------------------------

export async function scanTable(client: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Items in a canonical order with binary values as base64, for comparing two tables. */
export function canonicalItems(items: Record<string, unknown>[]): string[] {
  return items.map((item) => JSON.stringify(sortKeys(withoutStampValue(item)))).sort();
}

/** Every import writes a new configuration stamp (a fresh value, by design: running handlers must see a change); its presence counts, its value not. */
function withoutStampValue(item: Record<string, unknown>): Record<string, unknown> {
  return item.pk === CONFIG_STAMP_KEY.pk && item.sk === CONFIG_STAMP_KEY.sk ? { ...item, stamp: '<a fresh stamp>' } : item;
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Uint8Array) return { binary: Buffer.from(value).toString('base64') };
  if (value instanceof Set) return { set: [...value].map(sortKeys).sort() };
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

// ---- fake DynamoDB endpoints -------------------------------------------------------------------

export interface FakeEndpoint {
  endpoint: string;
  /** Requests (HTTP) or connections (TCP) received so far. */
  count(): number;
  close(): Promise<void>;
}

/** A loopback port nothing listens on: every connection is refused. */
export async function closedPort(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Accepts connections, reads the request and never answers. */
export async function silentServer(): Promise<FakeEndpoint> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type ThrottleKind = 'ThrottlingException' | 'ProvisionedThroughputExceededException';

/** Answers every DynamoDB call with the service's throttling error (HTTP 400, JSON 1.0 body). */
export async function throttlingServer(kind: ThrottleKind): Promise<FakeEndpoint & { targets: string[] }> {
  let requests = 0;
  const targets: string[] = [];
  const message =
    kind === 'ThrottlingException'
      ? 'Rate of requests exceeds the allowed throughput.'
      : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
  const server: HttpServer = createHttpServer((request, response) => {
    requests++;
    targets.push(String(request.headers['x-amz-target'] ?? ''));
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${kind}`, message });
      response.writeHead(400, {
        'Content-Type': 'application/x-amz-json-1.0',
        'Content-Length': Buffer.byteLength(body),
        'x-amzn-RequestId': `fake-${requests}`,
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => requests,
    targets,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- DynamoDB's own limits, which the local engines do not enforce on reads --------------------

/**
 * Makes a client behave like DynamoDB in AWS for oversized keys: a GetItem or BatchGetItem key
 * whose partition value exceeds 2048 bytes or sort value 1024 bytes is a ValidationException
 * (DynamoDB Local silently answers "no item"). Returns how many requests it refused.
 */
export function enforceAwsKeyLimits(client: DynamoDBClient | DynamoDBDocumentClient): { refused: () => number } {
  let refused = 0;
  const size = (value: unknown) => {
    const text = typeof value === 'string' ? value : (value as { S?: unknown } | undefined)?.S;
    return typeof text === 'string' ? Buffer.byteLength(text) : 0;
  };
  const oversized = (key: Record<string, unknown>) => size(key.pk) > 2048 || size(key.sk) > 1024;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Record<string, unknown>; RequestItems?: Record<string, { Keys?: Record<string, unknown>[] }> };
      const keys = [...(input.Key ? [input.Key] : []), ...Object.values(input.RequestItems ?? {}).flatMap((request) => request.Keys ?? [])];
      if (keys.some(oversized)) {
        refused++;
        throw Object.assign(new Error('One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes'), {
          name: 'ValidationException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          command: context.commandName,
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: `awsKeyLimits-${Math.random()}` },
  );
  return { refused: () => refused };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real import CLI (`scripts/import.ts`) as a child process, killed if it runs past `timeoutMs`. */
export function runImportCli(args: string[], timeoutMs = 40_000, env: NodeJS.ProcessEnv = process.env, nodeOptions: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: ROOT,
      env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
