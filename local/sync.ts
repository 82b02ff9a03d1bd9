/**
 * `npm start -- --mongo-url URL`: the local API's table kept current from a real Rocket.Chat
 * MongoDB by the relay (snapshot, then the change stream), so an operator can try the whole
 * thing against their own server before deploying. The URL is never printed.
 */
import { createDocumentClient } from '../lib/dynamodb/document-client';
import { connectRelay, textLog } from '../lib/sync/relay';

export interface LocalRelay {
  /** Finishes the changes in flight, checkpoints, disconnects. */
  stop(): Promise<void>;
}

export async function startLocalRelay(mongoUrl: string, table: { endpoint: string; tableName: string }, log: (line: string) => void): Promise<LocalRelay> {
  const documentClient = createDocumentClient({ endpoint: table.endpoint, requestTimeoutMs: 5000 });
  const { relay, close } = await connectRelay({ mongoUrl, documentClient, tableName: table.tableName, log: textLog((line) => log(`sync: ${line}`)) });
  const running = relay.run().then(
    () => undefined,
    (error: unknown) => {
      // The API keeps serving what the table has; the message says what to do (and holds no secret).
      log(`sync stopped: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  return {
    stop: async () => {
      relay.stop();
      await running;
      await close();
      documentClient.destroy();
    },
  };
}
