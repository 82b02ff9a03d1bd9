/**
 * Outcome kinds ↔ HTTP status ↔ metric names: the real handler and authorizer run the integration
 * scenarios with their metrics watched; each request's metric must be an outcome of the one list
 * (STATUS_BY_OUTCOME, which the dashboard graphs) and its status the one that list gives.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as errors from '../../lib/errors';
import { errorResponse, STATUS_BY_OUTCOME } from '../../functions/commons/http';
import { REFUSAL_DIMENSIONS, SUCCESS_OUTCOMES } from '../../functions/commons/outcomes';
import { outcomeOf as outcomeOfReason, REASON_NAMES } from '../../lib/reasons';
import { AUTHORIZER_OUTCOME_METRICS, HANDLER_OUTCOME_METRICS } from '../../infra/push-get-stack';
import { demoTable, endpoint } from '../support/dynamo';
import { authorizerEvent, invoke, proxyEvent, type AuthorizerFn, type HandlerFn } from '../../testkit/requests';

const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const BOB = { 'X-User-Id': 'bobUserId00000001', 'X-Auth-Token': 'demo-token-bob' };

let authorize: AuthorizerFn;
let handle: HandlerFn;
let readEmitted: () => string[];
let readPublished: () => number;

beforeAll(async () => {
  const { tableName, client } = await demoTable(undefined, 'outcomes');
  client.destroy();
  Object.assign(process.env, { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint(), AWS_REGION: 'local' });
  const runtime = await import('../../functions/commons/runtime');
  const addMetric = vi.spyOn(runtime.metrics, 'addMetric');
  readEmitted = () => addMetric.mock.calls.map(([name]) => name);
  const publish = vi.spyOn(runtime.metrics, 'publishStoredMetrics');
  readPublished = () => publish.mock.calls.length;
  authorize = (await import('../../functions/authorizer/index')).handler;
  handle = (await import('../../functions/push-get/index')).handler;
});

/** The metrics one request emitted, and its status. */
async function outcomeOf(run: () => Promise<number>): Promise<{ metrics: string[]; status: number }> {
  const before = readEmitted().length;
  const status = await run();
  return { metrics: readEmitted().slice(before), status };
}

const viaApi = (headers: Record<string, string>, query: Record<string, string[]>) => async () => (await invoke(authorize, handle, { headers, query })).statusCode;

describe('handler outcomes', () => {
  it.each([
    ['Ok', viaApi(RODRIQ, { id: ['WkbwSntxt8D3jLp8G'] })],
    ['BadRequest', viaApi(RODRIQ, {})],
    ['MessageNotFound', viaApi(RODRIQ, { id: ['doesNotExist'] })],
    ['NotAllowed', viaApi(BOB, { id: ['msgAliceDesign001'] })],
    ['SenderNotFound', viaApi(RODRIQ, { id: ['msgDeletedUser001'] })],
    ['Unauthorized', async () => (await handle(proxyEvent({ query: { id: ['WkbwSntxt8D3jLp8G'] } }, null))).statusCode],
  ])('%s: its metric (none for a success, which is derived), and the status STATUS_BY_OUTCOME gives it', async (kind, run) => {
    await run(); // the first call of the process also writes the cold-start metric line
    const linesBefore = readPublished();
    const { metrics, status } = await outcomeOf(run);
    expect(metrics).toStrictEqual(kind === SUCCESS_OUTCOMES.handler ? [] : [kind]);
    expect(readPublished() - linesBefore).toBe(metrics.length);
    expect(status).toBe(STATUS_BY_OUTCOME[kind as keyof typeof STATUS_BY_OUTCOME]);
    expect(HANDLER_OUTCOME_METRICS).toContain(kind);
  });

  it('every typed domain error answers with the status of its kind', () => {
    const errorClasses = Object.values(errors).filter((value) => typeof value === 'function' && value.prototype instanceof errors.PushGetError);
    expect(errorClasses.length).toBeGreaterThanOrEqual(6);
    for (const ErrorClass of errorClasses as (new (message?: string) => errors.PushGetError)[]) {
      const error = new ErrorClass('x');
      expect(errorResponse(error).statusCode, error.kind).toBe(STATUS_BY_OUTCOME[error.kind]);
      expect(HANDLER_OUTCOME_METRICS).toContain(error.kind);
    }
  });

  it('an unexpected failure is Error and 500', () => {
    expect(errorResponse(new TypeError('boom')).statusCode).toBe(STATUS_BY_OUTCOME.Error);
  });
});

describe('reasons ↔ outcomes', () => {
  it('every reason ends in an outcome the dashboard graphs, and every outcome but a success has a reason', () => {
    const graphed: string[] = [...HANDLER_OUTCOME_METRICS, ...AUTHORIZER_OUTCOME_METRICS];
    for (const reason of REASON_NAMES) expect(graphed, reason).toContain(outcomeOfReason(reason));
    const withReason = new Set(REASON_NAMES.map(outcomeOfReason));
    for (const outcome of HANDLER_OUTCOME_METRICS) expect(withReason.has(outcome), outcome).toBe(true);
    expect(REASON_NAMES.filter((reason) => outcomeOfReason(reason) === SUCCESS_OUTCOMES.handler)).toStrictEqual(['ok']);
  });

  it("a refusal's one metric line carries service alone, by reason and by platform (the dashboard's graphs)", async () => {
    const { metrics } = await import('../../functions/commons/runtime');
    const serialized: ReturnType<typeof metrics.serializeMetrics>[] = [];
    // Once, on the spy beforeAll set up (restoring it would end that spy too).
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementationOnce(() => {
      serialized.push(metrics.serializeMetrics());
      metrics.clearMetrics();
      metrics.clearDimensions();
      return metrics;
    });
    await viaApi({ ...BOB, 'User-Agent': 'RC Mobile; android 14; v4.49.2 (1)' }, { id: ['msgAliceDesign001'] })();
    expect(serialized).toHaveLength(1);
    expect(serialized[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toStrictEqual(REFUSAL_DIMENSIONS.map((names) => ['service', ...names]));
    expect(serialized[0]).toMatchObject({ service: 'push-get', reason: 'not-subscribed', platform: 'android', NotAllowed: 1 });
  });
});

describe('authorizer outcomes', () => {
  /** The authorizer alone: what it answered (or threw), and the metrics and metric lines it wrote. */
  async function authorizeAlone(headers: Record<string, string>): Promise<{ effects: string[] | 'threw Unauthorized'; metrics: string[]; lines: number }> {
    const metricsBefore = readEmitted().length;
    const linesBefore = readPublished();
    let effects: string[] | 'threw Unauthorized';
    try {
      effects = (await authorize(authorizerEvent({ headers, query: {} }))).policyDocument.Statement.map((statement) => statement.Effect);
    } catch (error) {
      expect((error as Error).message).toBe('Unauthorized');
      effects = 'threw Unauthorized';
    }
    return { effects, metrics: readEmitted().slice(metricsBefore), lines: readPublished() - linesBefore };
  }

  it('a refusal emits Unauthorized; an accepted login writes no metric line (Allows are derived from the Lambda metrics)', async () => {
    await authorizeAlone(RODRIQ); // the cold-start metric, once per process, is not the point here
    expect(await authorizeAlone(RODRIQ)).toStrictEqual({ effects: ['Allow'], metrics: [], lines: 0 });
    expect(await authorizeAlone({ ...RODRIQ, 'X-Auth-Token': 'wrong' })).toStrictEqual({ effects: 'threw Unauthorized', metrics: ['Unauthorized'], lines: 1 });
    expect(AUTHORIZER_OUTCOME_METRICS).toStrictEqual(['Authorized', 'Unauthorized']);
    expect(SUCCESS_OUTCOMES.authorizer).toBe('Authorized');
  });

  it("a refusal's log line carries the invocation's correlation id and Lambda request id; an Allow writes no line at all", async () => {
    const { handler } = await import('../../functions/authorizer/index');
    const { logger } = await import('../../functions/commons/runtime');
    logger.setLogLevel('INFO'); // the test run silences Powertools (vitest.config.ts)
    const context = {
      awsRequestId: 'lambda-request-1',
      functionName: 'authorizer',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:authorizer',
      memoryLimitInMB: '512',
    } as Context;
    const write = vi.spyOn(process.stdout, 'write');
    try {
      await handler(authorizerEvent({ headers: RODRIQ }), context); // warm: the cold-start line is not the point
      write.mockClear();
      await handler(authorizerEvent({ headers: RODRIQ }), context);
      expect(write).not.toHaveBeenCalled();
      const refusal = authorizerEvent({ headers: { ...RODRIQ, 'X-Auth-Token': 'wrong' } });
      await expect(handler(refusal, context)).rejects.toThrow('Unauthorized');
      const lines = write.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('"refused"'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        message: 'refused',
        reason: 'token-unknown',
        userId: RODRIQ['X-User-Id'],
        platform: 'other',
        correlation_id: refusal.requestContext.requestId,
        function_request_id: 'lambda-request-1',
      });
    } finally {
      write.mockRestore();
      logger.setLogLevel('SILENT');
    }
  });

  // What makes Invocations − Errors the Allow count: no answer of the authorizer is anything but Allow.
  it.each([
    ['a valid login', RODRIQ],
    ['another valid login', BOB],
    ['a wrong token', { ...BOB, 'X-Auth-Token': 'demo-token-alice' }],
    ['a deactivated account', { 'X-User-Id': 'erinUserId0000001', 'X-Auth-Token': 'demo-token-erin' }],
    ['an unknown user', { 'X-User-Id': 'nobody', 'X-Auth-Token': 'x' }],
    ['no token', { 'X-User-Id': BOB['X-User-Id'] }],
    ['no headers', {}],
  ])('%s: the authorizer allows or throws, never answers Deny', async (_, headers) => {
    const { effects } = await authorizeAlone(headers);
    if (effects !== 'threw Unauthorized') expect(effects).toStrictEqual(['Allow']);
  });
});
