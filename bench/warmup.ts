/**
 * DynamoDB Local is a JVM: its read path needs a few thousand requests before the JIT has
 * compiled it (measured: a serial push.get over the local API goes from ~22 ms to ~6 ms over the
 * first ~3,000 requests). Measuring before that would compare code against a moving engine.
 */
import type { BenchDataset } from './dataset';
import { hashLoginToken } from '../lib/core/auth';
import { rawAuthorizerFloor, rawAuthorizerRequest, rawClient, rawHandlerFloor } from './floor';
import type { Bound } from './support/loop';

/**
 * Read traffic of every kind push.get sends, `lanes` at a time, spread over every table (the
 * engine keeps per-table state); `messages` is the smallest table's size, so that every id read
 * exists everywhere. Returns the requests made.
 */
export async function warmEngine(endpoint: string, tables: string[], dataset: BenchDataset, messages: number, bound: Bound, lanes = 2): Promise<number> {
  const client = rawClient('local', endpoint);
  const ids = dataset.receiverMessageIds(messages, 200);
  const { userId, token } = dataset.receiver;
  const hashed = hashLoginToken(token);
  const deadline = performance.now() + bound.maxMs;
  let rounds = 0;
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (rounds < bound.count && performance.now() < deadline) {
          const round = rounds++;
          const id = ids[round % ids.length]!;
          const table = tables[round % tables.length]!;
          await rawHandlerFloor(client, table, userId, id);
          await rawAuthorizerFloor(client, table, userId, hashed);
          await rawAuthorizerRequest(client, table, userId, hashed);
        }
      }),
    );
  } finally {
    client.destroy();
  }
  return rounds * 5;
}
