/**
 * Brings the local API up: the HTTP port first (a busy port fails before anything starts), then
 * an embedded DynamoDB (or a given endpoint), the table, an optional import, and the real
 * authorizer and handler modules behind the server. Requests that arrive meanwhile wait.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { importExport, type ImportSummary } from '../lib/import/import-export';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { DEFAULT_TABLE_NAME } from '../lib/dynamodb/table-name';
import { resolveTarget } from '../lib/dynamodb/target';
import { createLocalApi } from './api-server';
import { startEngine, type Engine, type EngineKind } from './engine';

export interface LocalStackOptions {
  /** An export to import before serving; without it the table is served as it is. */
  fixturesDir?: string;
  port: number;
  host?: string;
  tableName?: string;
  /** Use this DynamoDB instead of starting an embedded one. */
  endpoint?: string;
  engine?: EngineKind | 'auto';
  /** Port of the embedded engine (default: a free one). */
  dbPort?: number;
  log?: (line: string) => void;
  /** One-line notices, such as the engine fallback when Java is missing or too old. */
  notice?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  endpoint: string;
  tableName: string;
  /** `external` when the DynamoDB is the operator's (`endpoint`), not one this stack started. */
  engine: EngineKind | 'external';
  /** What was imported; undefined when nothing was. */
  summary?: ImportSummary;
  close(): Promise<void>;
}

/** The port is taken: by another `npm start`, most likely. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`${what} port ${port} is already in use`);
  }
}

interface Functions {
  authorizer(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult>;
  handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
}

/** The table this process's functions serve: they read TABLE_NAME and the endpoint once, at import. */
let served: string | undefined;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  if (served !== undefined && (options.endpoint === undefined || served !== `${tableName} at ${options.endpoint}`)) {
    // A second stack would silently answer from the first one's table.
    throw new Error(`this process already serves table ${served}; the functions read their table once, at import: start another process for another table`);
  }
  const host = options.host ?? '127.0.0.1';
  let loaded!: (functions: Functions) => void;
  let failed!: (error: unknown) => void;
  const functions = new Promise<Functions>((resolve, reject) => ((loaded = resolve), (failed = reject)));
  functions.catch(() => undefined);
  const server = createLocalApi({
    authorizer: async (event) => (await functions).authorizer(event),
    handler: async (event) => (await functions).handler(event),
    log: options.log,
  });
  await listen(server, options.port, host, 'the API');
  let engine: Engine | undefined;
  try {
    if (!options.endpoint && options.dbPort) await ensureFree(options.dbPort, 'the database');
    engine = options.endpoint ? undefined : await startEngine(options.engine ?? 'auto', options.dbPort || undefined, options.notice);
    const endpoint = options.endpoint ?? engine!.endpoint;
    // The embedded database, or --fixtures into the operator's: the only cases where npm start creates the table.
    const target = await resolveTarget({ endpoint, table: tableName }, { create: engine !== undefined || options.fixturesDir !== undefined, patient: true });
    let summary: ImportSummary | undefined;
    try {
      if (options.fixturesDir !== undefined) {
        // Checked first, created only then: a bad export leaves no table behind.
        summary = await importExport(new DynamoStore(target.client, { tableName }), options.fixturesDir, { beforeWrite: () => target.createTable() });
      } else {
        await target.createTable();
      }
    } finally {
      target.close();
    }

    // The function modules read their configuration once, at import: set it first.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    served = `${tableName} at ${endpoint}`;
    const [{ handler: authorizer }, { handler }] = await Promise.all([import('../functions/authorizer/index'), import('../functions/push-get/index')]);
    loaded({ authorizer: (event) => authorizer(event), handler: (event) => handler(event) });
    const { address, port } = server.address() as AddressInfo;
    const running = engine;
    return {
      url: `http://${address}:${port}`,
      endpoint,
      tableName,
      engine: running?.kind ?? 'external',
      summary,
      close: async () => {
        await closeServer(server);
        await running?.stop();
      },
    };
  } catch (error) {
    failed(error);
    await closeServer(server);
    await engine?.stop();
    throw error;
  }
}

function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, what) : error));
    server.listen(port, host, () => resolve());
  });
}

/** Fails fast when a port is taken, before a slow engine start would find out. */
async function ensureFree(port: number, what: string): Promise<void> {
  const probe = createServer();
  await listen(probe, port, '127.0.0.1', what);
  await closeServer(probe);
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
