/**
 * Brings the local API up: an embedded DynamoDB (or a given endpoint), the table, an imported
 * export, and the HTTP server running the real authorizer and handler modules.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { importExport, type ImportSummary } from '../lib/import/import-export';
import { createDocumentClient } from '../lib/store/client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { ensureTable } from '../lib/store/table';
import { createLocalApi } from './api-server';
import { startEngine, type EngineKind } from './engine';

export interface LocalStackOptions {
  /** The export to import; undefined: start with an empty table (the relay fills it). */
  fixturesDir?: string;
  port: number;
  host?: string;
  tableName?: string;
  /** Use this DynamoDB instead of starting an embedded one. */
  endpoint?: string;
  engine?: EngineKind | 'auto';
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  endpoint: string;
  tableName: string;
  engine: EngineKind | 'external';
  summary: ImportSummary;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const tableName = options.tableName ?? 'rocketchat-push-local';
  const engine = options.endpoint ? undefined : await startEngine(options.engine ?? 'auto');
  const endpoint = options.endpoint ?? engine!.endpoint;
  try {
    const documentClient = createDocumentClient({ region: 'local', endpoint });
    await ensureTable(documentClient, tableName);
    const summary = options.fixturesDir
      ? await importExport(new DynamoStore(documentClient, { tableName }), options.fixturesDir)
      : { items: {}, documents: {} };
    documentClient.destroy();

    // The function modules read their configuration once, at import: set it first.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const [{ handler: authorizer }, { handler }] = await Promise.all([import('../functions/authorizer/index'), import('../functions/push-get/index')]);
    const server = createLocalApi({ authorizer: (event) => authorizer(event), handler: (event) => handler(event), log: options.log });
    await listen(server, options.port, options.host ?? '127.0.0.1');
    const { address, port } = server.address() as AddressInfo;
    return {
      url: `http://${address}:${port}`,
      endpoint,
      tableName,
      engine: engine?.kind ?? 'external',
      summary,
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await engine?.stop();
      },
    };
  } catch (error) {
    await engine?.stop();
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
