/**
 * The in-process half of the bench, in its own process so that the function modules are
 * configured as in Lambda (environment read at import, Powertools metrics on and written to
 * stdout, which the parent drains), over one table. Runs the tasks the orchestrator sends, one
 * at a time, and sends each result back.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { handler as authorizer } from '../functions/authorizer/index';
import { logger, metrics, dynamoClient, store } from '../functions/commons/runtime';
import { handler } from '../functions/push-get/index';
import { hashLoginToken, isLoginValid } from '../lib/core/auth';
import { decodeAuthorizerContext as receiverFromAuthorizer } from '../functions/commons/authorizer-context';
import { getPushNotification } from '../lib/core/push-get';
import { BenchDataset, type Credentials } from './dataset';
import { rawAuthorizerFloor, rawAuthorizerRequest, rawBadge, rawClient, rawHandlerFloor } from './floor';
import { countOne, countRequests } from '../lib/dynamodb/request-count';
import { benchAuthorizerEvent, benchProxyEvent, lambdaContext } from './support/events';
import { interleaved, warmUp } from './support/loop';
import type { PowertoolsResult, SubscriptionPoint, SubscriptionsResult, TableBlock, WarmResult, WorkerCommand, WorkerInput, WorkerMessage, WorkerResult, WorkerTask } from './support/protocol';
import { summarize } from './support/stats';

const input = JSON.parse(process.env.BENCH_WORKER ?? '{}') as WorkerInput;
const dataset = new BenchDataset(input.shape, input.seed);
const table = input.tableName;
const raw = rawClient('local', input.endpoint);
const handlerContext = lambdaContext('bench-handler');
const authorizerContext = lambdaContext('bench-authorizer');
const functionCounter = countRequests(dynamoClient);
const rawCounter = countRequests(raw);

/** Calls the authorizer as API Gateway does and returns the context it hands to the handler. */
async function authorize(credentials: Credentials, messageId: string): Promise<Record<string, string>> {
  const result = await authorizer(benchAuthorizerEvent(credentials, messageId), authorizerContext);
  const allowed = result.policyDocument.Statement.every((statement) => statement.Effect === 'Allow');
  if (!allowed) throw new Error(`authorizer refused ${credentials.userId}`);
  return { ...Object.fromEntries(Object.entries(result.context ?? {}).map(([k, v]) => [k, String(v)])), principalId: result.principalId };
}

async function callHandler(event: APIGatewayProxyEvent, context: Context = handlerContext): Promise<string> {
  const response = await handler(event, context);
  if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  return response.body;
}

function events(credentials: Credentials, ids: string[], authorizerCtx: Record<string, string>): APIGatewayProxyEvent[] {
  return ids.map((id) => benchProxyEvent(credentials, id, authorizerCtx));
}

async function warm(task: Extract<WorkerTask, { kind: 'warm' }>): Promise<WarmResult> {
  const receiver = dataset.receiver;
  const ids = dataset.receiverMessageIds(input.messages, 200);
  const hashed = hashLoginToken(receiver.token);
  const authEvent = benchAuthorizerEvent(receiver, ids[0]!);

  // First calls of the fresh process: the configuration is not cached yet.
  const authFirst = await countOne(functionCounter, () => authorizer(authEvent, authorizerContext));
  const ctx = await authorize(receiver, ids[0]!);
  const handlerEvents = events(receiver, ids, ctx);
  const handlerFirst = await countOne(functionCounter, () => callHandler(handlerEvents[0]!));
  const handlerWarm = await countOne(functionCounter, () => callHandler(handlerEvents[1]!));
  const authWarm = await countOne(functionCounter, () => authorizer(authEvent, authorizerContext));
  const floorCall = await countOne(rawCounter, () => rawHandlerFloor(raw, table, receiver.userId, ids[1]!));

  const receiverFacts = receiverFromAuthorizer(ctx)!;
  const at = (round: number) => round % ids.length;
  const handlerSteps = {
    handler: async (round: number) => void (await callHandler(handlerEvents[at(round)]!)),
    bare: async (round: number) => void JSON.stringify(await getPushNotification(store, receiverFacts, ids[at(round)]!)),
    floor: async (round: number) => void (await rawHandlerFloor(raw, table, receiver.userId, ids[at(round)]!)),
  };
  const authorizerSteps = {
    authorizer: async () => void (await authorizer(authEvent, authorizerContext)),
    bare: async () => {
      const presented = hashLoginToken(receiver.token);
      const facts = await store.loginFacts(receiver.userId, presented);
      if (!isLoginValid(facts.user, facts.token, presented, Date.now(), facts.loginExpirationDays)) throw new Error('refused');
    },
    getItem: async () => void (await rawAuthorizerFloor(raw, table, receiver.userId, hashed)),
    batchGet: async () => void (await rawAuthorizerRequest(raw, table, receiver.userId, hashed)),
  };
  const warmupBound = { count: task.warmup, maxMs: task.maxMs / 4 };
  await warmUp(async (round) => {
    for (const step of Object.values(handlerSteps)) await step(round);
    for (const step of Object.values(authorizerSteps)) await step();
  }, warmupBound);
  const h = await interleaved(handlerSteps, { count: task.calls, maxMs: task.maxMs });
  const a = await interleaved(authorizerSteps, { count: task.calls, maxMs: task.maxMs });
  return {
    kind: 'warm',
    handler: {
      firstCall: handlerFirst.counts,
      warmCall: handlerWarm.counts,
      floorCall: floorCall.counts,
      latency: summarize(h.samples.handler),
      bare: summarize(h.samples.bare),
      floor: summarize(h.samples.floor),
      cpuUs: h.cpuUs,
      timedOut: h.timedOut,
    },
    authorizer: {
      firstCall: authFirst.counts,
      warmCall: authWarm.counts,
      latency: summarize(a.samples.authorizer),
      bare: summarize(a.samples.bare),
      floorGetItem: summarize(a.samples.getItem),
      floorBatchGet: summarize(a.samples.batchGet),
      cpuUs: a.cpuUs,
      timedOut: a.timedOut,
    },
    answerBytes: Buffer.byteLength(handlerWarm.result),
  };
}

async function subscriptions(task: Extract<WorkerTask, { kind: 'subscriptions' }>): Promise<SubscriptionsResult> {
  const ids = dataset.messageIdsInRoom(0, input.messages, 20);
  const points: SubscriptionPoint[] = [];
  for (const count of task.counts) {
    for (const profile of ['all', 'few'] as const) {
      const credentials = dataset.scaleReceiver(count, profile);
      const ctx = await authorize(credentials, ids[0]!);
      const handlerEvents = events(credentials, ids, ctx);
      const counted = await countOne(functionCounter, () => callHandler(handlerEvents[0]!));
      const badge = (JSON.parse(counted.result) as { data: { notification: { badge: number } } }).data.notification.badge;
      const capacity = await rawBadge(raw, table, credentials.userId, 'INDEXES');
      const at = (round: number) => round % ids.length;
      const steps = {
        handler: async (round: number) => void (await callHandler(handlerEvents[at(round)]!)),
        floor: async (round: number) => void (await rawHandlerFloor(raw, table, credentials.userId, ids[at(round)]!)),
        badge: async () => void (await rawBadge(raw, table, credentials.userId)),
      };
      await warmUp(
        async (round) => {
          for (const step of Object.values(steps)) await step(round);
        },
        { count: 10, maxMs: task.maxMs / 4 },
      );
      const measured = await interleaved(steps, { count: task.calls, maxMs: task.maxMs });
      points.push({
        subscriptions: count,
        profile,
        badge,
        expectedBadge: dataset.expectedBadge(count, profile),
        requests: counted.counts,
        latency: summarize(measured.samples.handler),
        floor: summarize(measured.samples.floor),
        badgeQuery: summarize(measured.samples.badge),
        badgeQueryPages: capacity.pages,
        badgeItemsRead: capacity.items,
        badgeCapacityUnits: capacity.capacityUnits,
      });
    }
  }
  return { kind: 'subscriptions', points };
}

let tableWarmedUp = false;

async function tableBlock(task: Extract<WorkerTask, { kind: 'table' }>): Promise<TableBlock> {
  const receiver = dataset.receiver;
  // Messages spread over the whole table, old and new.
  const ids = dataset.receiverMessageIds(input.messages, 500);
  const ctx = await authorize(receiver, ids[0]!);
  const handlerEvents = events(receiver, ids, ctx);
  const counted = await countOne(functionCounter, () => callHandler(handlerEvents[0]!));
  const offset = Math.floor(Math.random() * ids.length);
  const at = (round: number) => (offset + round) % ids.length;
  const steps = {
    handler: async (round: number) => void (await callHandler(handlerEvents[at(round)]!)),
    floor: async (round: number) => void (await rawHandlerFloor(raw, table, receiver.userId, ids[at(round)]!)),
  };
  if (!tableWarmedUp) {
    await warmUp(
      async (round) => {
        for (const step of Object.values(steps)) await step(round);
      },
      { count: task.warmup, maxMs: task.maxMs },
    );
    tableWarmedUp = true;
  }
  const measured = await interleaved(steps, { count: task.calls, maxMs: task.maxMs });
  return { kind: 'table', messages: input.messages, requests: counted.counts, handlerMs: measured.samples.handler, floorMs: measured.samples.floor };
}

/** The per-invocation Powertools calls of functions/*, timed alone (microseconds). */
async function powertools(task: Extract<WorkerTask, { kind: 'powertools' }>): Promise<PowertoolsResult> {
  const wrapper: number[] = [];
  const publish: number[] = [];
  const deadline = performance.now() + task.maxMs;
  for (let i = 0; i < task.calls && performance.now() < deadline; i++) {
    let started = performance.now();
    logger.addContext(handlerContext);
    logger.setCorrelationId('c6af9ac6-7b61-11e6-9a41-93e812345678');
    metrics.captureColdStartMetric();
    metrics.addMetric('Ok', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    wrapper.push((performance.now() - started) * 1000);
    started = performance.now();
    metrics.addMetric('Ok', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    publish.push((performance.now() - started) * 1000);
  }
  return {
    kind: 'powertools',
    wrapperCallsUs: summarize(wrapper),
    metricsPublishUs: summarize(publish),
    metricsEnabled: process.env.POWERTOOLS_METRICS_DISABLED !== 'true',
  };
}

async function run(task: WorkerTask): Promise<WorkerResult> {
  switch (task.kind) {
    case 'warm':
      return warm(task);
    case 'subscriptions':
      return subscriptions(task);
    case 'table':
      return tableBlock(task);
    case 'powertools':
      return powertools(task);
  }
}

function reply(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

function shutdown(): void {
  raw.destroy();
  dynamoClient.destroy();
  process.disconnect?.();
}

// One task at a time, in the order the orchestrator sends them.
let queue = Promise.resolve();
process.on('message', (command: WorkerCommand) => {
  queue = queue.then(async () => {
    if (command.type === 'exit') return shutdown();
    try {
      await reply({ type: 'result', result: await run(command.task) });
    } catch (error) {
      await reply({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
});
await reply({ type: 'ready' });
