/**
 * Counts the DynamoDB requests that go out through an SDK client, with a middleware in the
 * `finalizeRequest` step (after the retry middleware, so every attempt counts). For the tests and
 * the bench (both import it from here); the functions do not use it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RequestCounts {
  /** Requests by command name (GetItemCommand, BatchGetItemCommand, QueryCommand, …). */
  byCommand: Record<string, number>;
  total: number;
  /** Sequential steps: a step starts whenever a request goes out while none is in flight. */
  steps: number;
}

export interface RequestCounter {
  snapshot(): RequestCounts;
  reset(): void;
}

let counterSerial = 0;

export function countRequests(client: DynamoDBClient | DynamoDBDocumentClient): RequestCounter {
  const counts = new Map<string, number>();
  let inFlight = 0;
  let steps = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (inFlight === 0) steps++;
      inFlight++;
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'finalizeRequest', name: `countRequests${++counterSerial}` },
  );
  return {
    snapshot: () => {
      const byCommand = Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
      return { byCommand, total: [...counts.values()].reduce((sum, n) => sum + n, 0), steps };
    },
    reset: () => {
      counts.clear();
      steps = 0;
    },
  };
}

/** Counts of one call of `fn`, which must not overlap with other calls on the same client. */
export async function countOne<T>(counter: RequestCounter, fn: () => Promise<T>): Promise<{ result: T; counts: RequestCounts }> {
  counter.reset();
  const result = await fn();
  const counts = counter.snapshot();
  counter.reset();
  return { result, counts };
}
