/**
 * Alarms (optionally to an e-mail topic) and the dashboard. The outcome graphs list every
 * OutcomeKind and AuthorizerOutcome (functions/commons/outcomes.ts): the Powertools metrics the
 * functions write, and each function's success derived from its Lambda metrics (SUCCESS_OUTCOMES).
 * Built in the stack's own scope, so the logical ids are those of a single-file stack.
 */
import { CfnOutput, Duration, type Stack, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  GraphWidgetView,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { STATUS_BY_OUTCOME } from '../../functions/commons/http';
import { AUTHORIZER_OUTCOMES, SUCCESS_OUTCOMES, type AuthorizerOutcome, type OutcomeKind } from '../../functions/commons/outcomes';
import { QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import { outcomeOf, REASON_NAMES, type Reason } from '../../lib/core/reasons';
import { BADGE_INDEX } from '../../lib/dynamodb/keys';
import { PLATFORMS } from '../../lib/core/user-agent';
import type { PushFunction } from './push-function';

/** CloudWatch namespace and `service` dimension of the Powertools metrics both functions emit. */
export const METRICS_NAMESPACE = 'PushGet';
export const SERVICE_NAME = 'push-get';
/** Outcome metrics of the handler (every OutcomeKind, in the order of the contract's checks) and of the authorizer. */
export const HANDLER_OUTCOME_METRICS = Object.keys(STATUS_BY_OUTCOME) as OutcomeKind[];
export const AUTHORIZER_OUTCOME_METRICS = AUTHORIZER_OUTCOMES;

export interface ObservabilityOptions {
  readonly stageName: string;
  readonly table: ITable;
  readonly api: RestApi;
  readonly authorizerFunction: PushFunction;
  readonly handlerFunction: PushFunction;
  /** When set, alarms notify this address through an SNS topic (the address must confirm). */
  readonly alarmEmail?: string;
}

/** Alarms and the dashboard; returns the alarm action (the e-mail topic) for other parts' alarms. */
export function addObservability(stack: Stack, options: ObservabilityOptions): IAlarmAction | undefined {
  const alarmAction = options.alarmEmail ? createAlarmTopic(stack, options.alarmEmail) : undefined;
  createAlarms(stack, options, alarmAction);
  createDashboard(stack, options);
  createSavedQueries(stack, options);
  return alarmAction;
}

function createAlarmTopic(stack: Stack, email: string): IAlarmAction {
  const topic = new Topic(stack, 'AlarmTopic', { displayName: `${stack.stackName} alarms`, enforceSSL: true });
  topic.addSubscription(new EmailSubscription(email));
  Validations.of(topic).acknowledge({
    id: 'Serverless-SNSRedrivePolicy',
    reason: 'The only subscription is an e-mail address; a dead-letter queue applies to SQS/Lambda/HTTP subscribers.',
  });
  new CfnOutput(stack, 'AlarmTopicArn', { value: topic.topicArn });
  return new SnsAction(topic);
}

/** The reasons a refusal or failure can have (every one but `ok`), each graphed as its outcome's metric with its `reason` dimension. */
export const REFUSAL_REASONS = REASON_NAMES.filter((reason) => outcomeOf(reason) !== SUCCESS_OUTCOMES.handler);
/** The outcomes refusals are counted under: one metric each, with `reason` and `platform` dimensions (functions/commons/refusals.ts). */
const REFUSAL_OUTCOMES = [...new Set(REFUSAL_REASONS.map(outcomeOf))];

/** Names of the saved Logs Insights queries (the console lists them under "Queries"). */
export const SAVED_QUERY_NAMES = { timeline: "push.get/one user's timeline", byReason: 'push.get/refusals by reason, last hour' } as const;

function powertoolsMetric(metricName: OutcomeKind | AuthorizerOutcome | 'ColdStart', dimensions: Record<string, string> = {}): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic: Stats.SUM,
    period: Duration.minutes(1),
  });
}

/**
 * The authorizer's Allows: its invocations that did not fail. Refusals are thrown, so they are
 * among the Errors already.
 */
function authorizedMetric(authorizer: PushFunction, period: Duration): IMetric {
  return new MathExpression({
    label: SUCCESS_OUTCOMES.authorizer,
    expression: 'invocations - FILL(errors, 0)',
    usingMetrics: {
      invocations: authorizer.function.metricInvocations({ statistic: Stats.SUM, period }),
      errors: authorizer.function.metricErrors({ statistic: Stats.SUM, period }),
    },
    period,
  });
}

/**
 * The handler's successes: its invocations that did not fail and did not end in another outcome
 * (each of those writes one metric line). `Unauthorized` is left out: its metric also counts the
 * authorizer's refusals, and the handler meets it only for a request without authorizer context,
 * which API Gateway does not send behind the authorizer.
 */
function okMetric(handler: PushFunction, period: Duration): IMetric {
  const others = HANDLER_OUTCOME_METRICS.filter((name) => name !== SUCCESS_OUTCOMES.handler && !(AUTHORIZER_OUTCOMES as string[]).includes(name));
  const ids = others.map((_, index) => `outcome${index}`);
  return new MathExpression({
    label: SUCCESS_OUTCOMES.handler,
    expression: ['invocations - FILL(errors, 0)', ...ids.map((id) => `FILL(${id}, 0)`)].join(' - '),
    usingMetrics: {
      invocations: handler.function.metricInvocations({ statistic: Stats.SUM, period }),
      errors: handler.function.metricErrors({ statistic: Stats.SUM, period }),
      ...Object.fromEntries(others.map((name, index) => [ids[index], powertoolsMetric(name).with({ period })])),
    },
    period,
  });
}

/** Read throttles on the table and on the badge index (the only index read at run time). */
function readThrottles(table: ITable, period: Duration): IMetric {
  const options = { statistic: Stats.SUM, period };
  return new MathExpression({
    label: 'Read throttle events',
    expression: 'FILL(tableThrottles, 0) + FILL(badgeThrottles, 0)',
    usingMetrics: {
      tableThrottles: table.metric('ReadThrottleEvents', options),
      badgeThrottles: table.metric('ReadThrottleEvents', {
        ...options,
        dimensionsMap: { TableName: table.tableName, GlobalSecondaryIndexName: BADGE_INDEX },
      }),
    },
    period,
  });
}

function createAlarms(stack: Stack, { api, table, authorizerFunction, handlerFunction }: ObservabilityOptions, action: IAlarmAction | undefined): void {
  const fiveMinutes = Duration.minutes(5);
  const alarms = [
    new Alarm(stack, 'Api5xxAlarm', {
      alarmDescription: 'push.get answered 5xx (phones retry, then show the placeholder)',
      metric: api.metricServerError({ statistic: Stats.SUM, period: fiveMinutes }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    new Alarm(stack, 'AuthorizerErrorsAlarm', {
      alarmDescription: 'Authorizer Lambda failed for a reason other than refusing a login (refusals are thrown as "Unauthorized" and so count as Lambda errors too)',
      // A REST authorizer refuses by throwing, which Lambda counts as an error. Subtracting the
      // authorizer's own `Unauthorized` count leaves crashes, timeouts and store failures.
      metric: new MathExpression({
        label: 'Authorizer errors other than refusals',
        expression: 'errors - FILL(refused, 0)',
        usingMetrics: {
          errors: authorizerFunction.function.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
          refused: powertoolsMetric('Unauthorized').with({ period: fiveMinutes }),
        },
        period: fiveMinutes,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    new Alarm(stack, 'HandlerErrorsAlarm', {
      alarmDescription: 'push.get handler crashed or timed out (handled failures are 500 answers, see Api5xxAlarm)',
      metric: handlerFunction.function.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    new Alarm(stack, 'ApiLatencyP99Alarm', {
      alarmDescription: 'p99 latency above 1 s for 15 minutes: the iOS notification extension has ~30 s for all retries together',
      metric: api.metricLatency({ statistic: Stats.p(99), period: fiveMinutes }),
      threshold: 1000,
      // Three periods in a row, so a lone cold start at night does not page anybody.
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    new Alarm(stack, 'DynamoDbThrottleAlarm', {
      alarmDescription: 'DynamoDB throttled reads (hot partition or on-demand limits); the SDK retries, then 500',
      metric: readThrottles(table, fiveMinutes),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ];
  if (action) {
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}

function createDashboard(stack: Stack, { api, table, authorizerFunction, handlerFunction, stageName }: ObservabilityOptions): void {
  const minute = Duration.minutes(1);
  const functions = [authorizerFunction.function, handlerFunction.function];
  const fnLabel = (fn: (typeof functions)[number]) => (fn === authorizerFunction.function ? 'authorizer' : 'handler');
  // Dashboard names are unique per account, not per region.
  const dashboard = new Dashboard(stack, 'Dashboard', {
    dashboardName: `${stack.stackName}-${stack.region}`,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# push.get (${stageName})\nAPI Gateway latency includes the authorizer; cold starts show in the Lambda row.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'API latency (ms)',
      width: 12,
      left: ['p50', 'p90', 'p99'].map((stat) => api.metricLatency({ statistic: stat, period: minute, label: stat })),
      right: [api.metricIntegrationLatency({ statistic: 'p99', period: minute, label: 'integration p99' })],
    }),
    new GraphWidget({
      title: 'API requests by status',
      width: 12,
      stacked: true,
      left: [
        api.metricCount({ statistic: Stats.SUM, period: minute, label: 'all' }),
        api.metricClientError({ statistic: Stats.SUM, period: minute, label: '4xx' }),
        api.metricServerError({ statistic: Stats.SUM, period: minute, label: '5xx' }),
      ],
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'push.get outcomes',
      width: 12,
      stacked: true,
      left: HANDLER_OUTCOME_METRICS.map((name) => (name === SUCCESS_OUTCOMES.handler ? okMetric(handlerFunction, minute) : powertoolsMetric(name))),
    }),
    new GraphWidget({
      title: 'Authorizer outcomes (cache hits never reach the Lambda)',
      width: 12,
      stacked: true,
      left: AUTHORIZER_OUTCOME_METRICS.map((name) => (name === SUCCESS_OUTCOMES.authorizer ? authorizedMetric(authorizerFunction, minute) : powertoolsMetric(name))),
    }),
  );
  dashboard.addWidgets(funnelWidget(api, handlerFunction), refusalsByReasonWidget(), refusalsByPlatformWidget());
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Lambda duration (ms)',
      width: 8,
      left: functions.flatMap((fn) => ['p50', 'p99'].map((stat) => fn.metricDuration({ statistic: stat, period: minute, label: `${fnLabel(fn)} ${stat}` }))),
    }),
    new GraphWidget({
      title: 'Cold starts',
      width: 8,
      left: functions.map((fn) => powertoolsMetric('ColdStart', { function_name: fn.functionName }).with({ label: fnLabel(fn) })),
    }),
    new GraphWidget({
      title: 'Lambda errors, throttles, concurrency',
      width: 8,
      left: functions.flatMap((fn) => [
        fn.metricErrors({ statistic: Stats.SUM, period: minute, label: `${fnLabel(fn)} errors` }),
        fn.metricThrottles({ statistic: Stats.SUM, period: minute, label: `${fnLabel(fn)} throttles` }),
      ]),
      right: functions.map((fn) => fn.metric('ConcurrentExecutions', { statistic: Stats.MAXIMUM, period: minute, label: `${fnLabel(fn)} concurrency` })),
    }),
  );
  const operations = [Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY];
  dashboard.addWidgets(
    new GraphWidget({
      title: 'DynamoDB consumed read capacity',
      width: 8,
      left: [table.metricConsumedReadCapacityUnits({ statistic: Stats.SUM, period: minute, label: 'table RCU' })],
    }),
    new GraphWidget({
      title: 'DynamoDB throttles',
      width: 8,
      left: [
        readThrottles(table, minute),
        ...operations.map((operation) =>
          table.metric('ThrottledRequests', {
            statistic: Stats.SUM,
            period: minute,
            dimensionsMap: { TableName: table.tableName, Operation: operation },
            label: `throttled ${operation}`,
          }),
        ),
      ],
    }),
    new GraphWidget({
      title: 'DynamoDB request latency p99 (ms)',
      width: 8,
      left: operations.map((operation) =>
        table.metricSuccessfulRequestLatency({
          statistic: 'p99',
          period: minute,
          dimensionsMap: { TableName: table.tableName, Operation: operation },
          label: operation,
        }),
      ),
    }),
  );
}

/**
 * How far requests get, over the dashboard's time range: every request, those the authorizer let
 * through (cached or not: the handler's invocations), then what is left after each refusal of the
 * use case, down to the answered ones. The step between two bars is one refusal's count.
 */
function funnelWidget(api: RestApi, handler: PushFunction): GraphWidget {
  const period = Duration.minutes(5);
  const steps: [label: string, refusal: OutcomeKind][] = [
    ['valid query', 'BadRequest'],
    ['message found', 'MessageNotFound'],
    ['room found', 'RoomNotFound'],
    ['access allowed', 'NotAllowed'],
    ['sender found', 'SenderNotFound'],
  ];
  const usingMetrics: Record<string, IMetric> = {
    passed: handler.function.metricInvocations({ statistic: Stats.SUM, period }),
    ...Object.fromEntries(steps.map(([, refusal], index) => [`refused${index}`, powertoolsMetric(refusal).with({ period })])),
  };
  const left: IMetric[] = [api.metricCount({ statistic: Stats.SUM, period, label: 'requests' }), new MathExpression({ label: 'logged in', expression: 'passed', usingMetrics, period })];
  steps.forEach(([label], index) => {
    const subtracted = steps.slice(0, index + 1).map((_, i) => `FILL(refused${i}, 0)`);
    left.push(new MathExpression({ label, expression: ['passed', ...subtracted].join(' - '), usingMetrics, period }));
  });
  left.push(okMetric(handler, period));
  return new GraphWidget({ title: 'Funnel: how far requests get', width: 8, view: GraphWidgetView.BAR, setPeriodToTimeRange: true, left });
}

/** Every refusal and failure by its reason (lib/core/reasons.ts), authorizer and handler together. */
function refusalsByReasonWidget(): GraphWidget {
  return new GraphWidget({
    title: 'Refusals by reason (docs/operations.md)',
    width: 8,
    stacked: true,
    left: REFUSAL_REASONS.map((reason: Reason) => powertoolsMetric(outcomeOf(reason), { reason }).with({ label: reason })),
  });
}

/** Refusals and failures by the app's platform (from its User-Agent): one app's release breaking shows here first. */
function refusalsByPlatformWidget(): GraphWidget {
  const minute = Duration.minutes(1);
  return new GraphWidget({
    title: 'Refusals by platform',
    width: 8,
    stacked: true,
    left: PLATFORMS.map((platform) => {
      const ids = REFUSAL_OUTCOMES.map((_, index) => `${platform}${index}`);
      return new MathExpression({
        label: platform,
        expression: ids.map((id) => `FILL(${id}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(REFUSAL_OUTCOMES.map((outcome, index) => [ids[index], powertoolsMetric(outcome, { platform }).with({ period: minute })])),
        period: minute,
      });
    }),
  });
}

/**
 * Logs Insights queries saved in the account (the console's "Queries" list), over both functions'
 * log groups. Only refused and failed requests write lines, so a timeline shows what went wrong.
 */
function createSavedQueries(stack: Stack, { authorizerFunction, handlerFunction }: ObservabilityOptions): void {
  const logGroups = [authorizerFunction.logGroup, handlerFunction.logGroup];
  const refusalLines = 'message in ["refused", "failed"]';
  new QueryDefinition(stack, 'UserTimelineQuery', {
    queryDefinitionName: SAVED_QUERY_NAMES.timeline,
    logGroups,
    queryString: new QueryString({
      fields: ['@timestamp', 'reason', 'messageId', 'latencyMs', 'platform', 'version', 'errorName', '@log'],
      filterStatements: [refusalLines, 'userId = "REPLACE-WITH-USER-ID"'],
      sort: '@timestamp desc',
      limit: 200,
    }),
  });
  new QueryDefinition(stack, 'RefusalsByReasonQuery', {
    queryDefinitionName: SAVED_QUERY_NAMES.byReason,
    logGroups,
    queryString: new QueryString({
      filterStatements: [refusalLines],
      statsStatements: ['count(*) as requests, count_distinct(userId) as users, pct(latencyMs, 90) as p90LatencyMs by reason, platform'],
      sort: 'requests desc',
    }),
  });
}
