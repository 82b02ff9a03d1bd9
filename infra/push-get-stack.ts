import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, type ITable, Operation, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import {
  BADGE_INDEX,
  BADGE_INDEX_KEY,
  PK,
  SK,
  SUB_ID_INDEX,
  SUB_ID_INDEX_KEY,
  TTL_ATTRIBUTE,
} from '../lib/store/keys';
import { INTERNAL_ERROR_BODY, unauthorizedBody } from '../functions/commons/http';
import { PushFunction } from './constructs/push-function';
import { SyncRelay, type SyncRelayProps } from './constructs/sync-relay';

/** CloudWatch namespace and `service` dimension of the Powertools metrics both functions emit. */
const METRICS_NAMESPACE = 'PushGet';
const SERVICE_NAME = 'push-get';
/** Outcome metrics of the handler, in the order of the contract's checks. */
export const HANDLER_OUTCOME_METRICS = [
  'Ok',
  'BadRequest',
  'MessageNotFound',
  'RoomNotFound',
  'NotAllowed',
  'SenderNotFound',
  'Error',
] as const;
export const AUTHORIZER_OUTCOME_METRICS = ['Authorized', 'Unauthorized'] as const;

/** The only route. Path parts are API Gateway resources, so the stage prefix (`/prod`) comes for free. */
const PUSH_GET_PATH = 'api/v1/push.get';

/** Bodies of the responses API Gateway answers itself, shaped like Rocket.Chat's errors. */
const GATEWAY_BODIES = {
  // The same bodies the functions answer with (functions/commons/http.ts): one source for both.
  unauthorized: JSON.stringify(unauthorizedBody()),
  throttled: JSON.stringify({
    success: false,
    error: 'Error, too many requests. Please slow down. ... [error-too-many-requests]',
  }),
  internal: JSON.stringify(INTERNAL_ERROR_BODY),
  // `messageString` is API Gateway's own message already quoted as a JSON string, e.g.
  // "Missing Authentication Token" for an unknown path or method.
  default4xx: '{"success":false,"error":$context.error.messageString}',
} as const;

/**
 * Access log line, one JSON object per request. Deliberately no `$input`/`$method.request.*` and no
 * header other than the user agent: the credentials travel in headers and must never be logged.
 * Every value is quoted, so the line stays valid JSON when a field is "-" (no integration reached,
 * authorizer answer cached); Logs Insights converts numeric strings in `stats`/`pct`.
 */
const ACCESS_LOG_FIELDS = {
  requestId: AccessLogField.contextRequestId(),
  requestTime: AccessLogField.contextRequestTime(),
  ip: AccessLogField.contextIdentitySourceIp(),
  method: AccessLogField.contextHttpMethod(),
  path: AccessLogField.contextPath(),
  protocol: AccessLogField.contextProtocol(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  latency: AccessLogField.contextResponseLatency(),
  integrationLatency: AccessLogField.contextIntegrationLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  authorizerLatency: '$context.authorizer.latency',
  authorizerStatus: AccessLogField.contextAuthorizerIntegrationStatus(),
  authorizerError: AccessLogField.contextAuthorizerError(),
  errorType: AccessLogField.contextErrorResponseType(),
  userAgent: AccessLogField.contextIdentityUserAgent(),
  xrayTraceId: AccessLogField.contextXrayTraceId(),
} as const;

export interface PushGetStackProps extends StackProps {
  /** API Gateway stage, also the URL prefix (`/prod/api/v1/push.get`). @default 'prod' */
  readonly stageName?: string;
  /**
   * How long API Gateway reuses an authorizer answer for the same `X-User-Id` + `X-Auth-Token`.
   * A cached Allow outlives a logout, token removal or deactivation by at most this long.
   * 0 disables the cache. @default 60
   */
  readonly authorizerCacheTtlSeconds?: number;
  /** Stage-wide steady-state requests per second. @default 500 */
  readonly throttlingRateLimit?: number;
  /** Stage-wide burst (token bucket size). @default 1000 */
  readonly throttlingBurstLimit?: number;
  /** Retention of the Lambda and access log groups. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the table when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** DynamoDB deletion protection. @default true for the `prod` stage, else false */
  readonly deletionProtection?: boolean;
  /** When set, alarms notify this address through an SNS topic (the address must confirm). */
  readonly alarmEmail?: string;
  /** Use this existing table (same key design) instead of creating one. */
  readonly existingTableName?: string;
  /** Run the live-sync relay on ECS Fargate (`-c sync=fargate`). */
  readonly syncRelay?: Omit<SyncRelayProps, 'table' | 'logRetention' | 'alarmAction'>;
}

export class PushGetStack extends Stack {
  readonly table: ITable;
  readonly api: RestApi;
  readonly authorizerFunction: PushFunction;
  readonly handlerFunction: PushFunction;

  constructor(scope: Construct, id: string, props: PushGetStackProps = {}) {
    super(scope, id, props);

    const stageName = props.stageName ?? 'prod';
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const authorizerCacheTtlSeconds = props.authorizerCacheTtlSeconds ?? 60;

    this.table = props.existingTableName
      ? Table.fromTableName(this, 'Table', props.existingTableName)
      : this.createTable(props.tableRemovalPolicy ?? RemovalPolicy.RETAIN, props.deletionProtection ?? stageName === 'prod');
    const badgeIndexArn = `${this.table.tableArn}/index/${BADGE_INDEX}`;

    const environment = {
      TABLE_NAME: this.table.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      LOG_LEVEL: 'INFO',
    };

    // --- Functions -------------------------------------------------------------------------------
    this.authorizerFunction = new PushFunction(this, 'Authorizer', {
      entry: 'functions/authorizer/index.ts',
      functionName: `${this.stackName}-authorizer`,
      description: 'push.get request authorizer: X-User-Id + X-Auth-Token against the stored login tokens',
      timeout: Duration.seconds(5),
      logRetention,
      environment,
    });
    // One BatchGetItem per call (user, token and, when its cache is stale, settings and
    // permissions); GetItem is the single-item form of the same read. The table only, no index.
    this.authorizerFunction.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
        resources: [this.table.tableArn],
      }),
    );

    this.handlerFunction = new PushFunction(this, 'Handler', {
      entry: 'functions/push-get/index.ts',
      functionName: `${this.stackName}-handler`,
      description: 'GET /api/v1/push.get: message + notification for the authorized user',
      timeout: Duration.seconds(10),
      logRetention,
      environment,
    });
    this.handlerFunction.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
      }),
    );
    // The badge is a Query on the sparse `badge` index; nothing else reads an index.
    this.handlerFunction.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [badgeIndexArn] }),
    );

    // --- REST API -------------------------------------------------------------------------------
    this.api = this.createApi(stageName, logRetention, props);
    const authorizer = new RequestAuthorizer(this, 'RequestAuthorizer', {
      handler: this.authorizerFunction.function,
      // Both headers are the cache key, so one user's cached Allow never serves another token.
      // A request missing either header is refused with 401 before the Lambda is even called.
      identitySources: [IdentitySource.header('X-User-Id'), IdentitySource.header('X-Auth-Token')],
      resultsCacheTtl: Duration.seconds(authorizerCacheTtlSeconds),
    });
    this.api.root
      .resourceForPath(PUSH_GET_PATH)
      .addMethod('GET', new LambdaIntegration(this.handlerFunction.function, { proxy: true }), {
        authorizer,
        authorizationType: AuthorizationType.CUSTOM,
      });
    this.addGatewayResponses();

    // --- Operations -----------------------------------------------------------------------------
    const alarmAction = props.alarmEmail ? this.createAlarmTopic(props.alarmEmail) : undefined;
    this.createAlarms(alarmAction);
    if (props.syncRelay) {
      new SyncRelay(this, 'SyncRelay', { ...props.syncRelay, table: this.table, logRetention, alarmAction });
    }
    this.createDashboard(stageName);

    new CfnOutput(this, 'PushGetUrl', {
      description: 'The push.get endpoint (GET with X-User-Id and X-Auth-Token)',
      value: `${this.api.url}${PUSH_GET_PATH}`,
    });
    // The stage URL itself is RestApi's own `ApiEndpoint…` output.
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AuthorizerFunctionName', { value: this.authorizerFunction.function.functionName });
    new CfnOutput(this, 'HandlerFunctionName', { value: this.handlerFunction.function.functionName });
  }

  private createTable(removalPolicy: RemovalPolicy, deletionProtection: boolean): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: PK, type: AttributeType.STRING },
      sortKey: { name: SK, type: AttributeType.STRING },
      // Push traffic follows chat traffic (bursty, idle at night): pay per request, no capacity planning.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: BADGE_INDEX,
      partitionKey: { name: BADGE_INDEX_KEY, type: AttributeType.STRING },
      // The badge is a sum of `unread`; projecting only that keeps the index items tiny.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['unread'],
    });
    table.addGlobalSecondaryIndex({
      indexName: SUB_ID_INDEX,
      partitionKey: { name: SUB_ID_INDEX_KEY, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    return table;
  }

  private createApi(stageName: string, logRetention: RetentionDays, props: PushGetStackProps): RestApi {
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const api = new RestApi(this, 'Api', {
      restApiName: this.stackName,
      description: 'Rocket.Chat-compatible GET /api/v1/push.get',
      // Phones call it directly; a regional endpoint avoids the edge-optimised API's hidden
      // CloudFront distribution, and a CDN of one's own can still be put in front of it.
      endpointTypes: [EndpointType.REGIONAL],
      // Access and execution logging need the account-level API Gateway → CloudWatch Logs role.
      // The role is shared by every API in the account and region, so it is retained on destroy.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName,
        throttlingRateLimit: props.throttlingRateLimit ?? 500,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 1000,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Data trace would log full requests, headers (tokens) included.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
      },
    });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The only input is the `id` query parameter, and the contract requires Rocket.Chat\'s own 400 bodies for a missing or repeated id ("Match error: ..."), which the handler produces; an API Gateway validator would answer with its own body instead.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF: every call passes a Lambda authorizer (cached per token) and the stage is throttled; a web ACL can be associated later without changing this stack.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Clients authenticate with Rocket.Chat login tokens (X-User-Id / X-Auth-Token), not Cognito; the method uses a Lambda request authorizer that checks them.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level API Gateway logging role serves every REST API in the account and region, so it cannot be scoped to this API; the AWS-managed policy is the documented one for it.',
    });
    return api;
  }

  private addGatewayResponses(): void {
    const responses: [id: string, type: ResponseType, statusCode: string | undefined, body: string][] = [
      // The authorizer refuses by throwing "Unauthorized" (→ UNAUTHORIZED); a Deny policy would be
      // ACCESS_DENIED. Both, and a missing header, are Rocket.Chat's 401.
      ['Unauthorized', ResponseType.UNAUTHORIZED, '401', GATEWAY_BODIES.unauthorized],
      ['AccessDenied', ResponseType.ACCESS_DENIED, '401', GATEWAY_BODIES.unauthorized],
      ['Throttled', ResponseType.THROTTLED, '429', GATEWAY_BODIES.throttled],
      // An authorizer that crashes or times out is our failure, not the user's: 500, which phones retry.
      ['AuthorizerFailure', ResponseType.AUTHORIZER_FAILURE, '500', GATEWAY_BODIES.internal],
      ['Default5xx', ResponseType.DEFAULT_5XX, '500', GATEWAY_BODIES.internal],
      // No status code: unknown paths and methods keep API Gateway's own (403 "Missing Authentication Token").
      ['Default4xx', ResponseType.DEFAULT_4XX, undefined, GATEWAY_BODIES.default4xx],
    ];
    for (const [id, type, statusCode, body] of responses) {
      this.api.addGatewayResponse(id, { type, statusCode, templates: { 'application/json': body } });
    }
  }

  private createAlarmTopic(email: string): IAlarmAction {
    const topic = new Topic(this, 'AlarmTopic', { displayName: `${this.stackName} alarms`, enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    Validations.of(topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'The only subscription is an e-mail address; a dead-letter queue applies to SQS/Lambda/HTTP subscribers.',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });
    return new SnsAction(topic);
  }

  private powertoolsMetric(metricName: string, dimensions: Record<string, string> = {}): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, ...dimensions },
      statistic: Stats.SUM,
      period: Duration.minutes(1),
    });
  }

  /** Read throttles on the table and on the badge index (the only index read at run time). */
  private readThrottles(period: Duration): IMetric {
    const options = { statistic: Stats.SUM, period };
    return new MathExpression({
      label: 'Read throttle events',
      expression: 'FILL(tableThrottles, 0) + FILL(badgeThrottles, 0)',
      usingMetrics: {
        tableThrottles: this.table.metric('ReadThrottleEvents', options),
        badgeThrottles: this.table.metric('ReadThrottleEvents', {
          ...options,
          dimensionsMap: { TableName: this.table.tableName, GlobalSecondaryIndexName: BADGE_INDEX },
        }),
      },
      period,
    });
  }

  private createAlarms(action: IAlarmAction | undefined): void {
    const fiveMinutes = Duration.minutes(5);
    const alarms = [
      new Alarm(this, 'Api5xxAlarm', {
        alarmDescription: 'push.get answered 5xx (phones retry, then show the placeholder)',
        metric: this.api.metricServerError({ statistic: Stats.SUM, period: fiveMinutes }),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'AuthorizerErrorsAlarm', {
        alarmDescription:
          'Authorizer Lambda failed for a reason other than refusing a login (refusals are thrown as "Unauthorized" and so count as Lambda errors too)',
        // A REST authorizer refuses by throwing, which Lambda counts as an error. Subtracting the
        // authorizer's own `Unauthorized` count leaves crashes, timeouts and store failures.
        metric: new MathExpression({
          label: 'Authorizer errors other than refusals',
          expression: 'errors - FILL(refused, 0)',
          usingMetrics: {
            errors: this.authorizerFunction.function.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
            refused: this.powertoolsMetric('Unauthorized').with({ period: fiveMinutes }),
          },
          period: fiveMinutes,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'HandlerErrorsAlarm', {
        alarmDescription: 'push.get handler crashed or timed out (handled failures are 500 answers, see Api5xxAlarm)',
        metric: this.handlerFunction.function.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ApiLatencyP99Alarm', {
        alarmDescription:
          'p99 latency above 1 s for 15 minutes: the iOS notification extension has ~30 s for all retries together',
        metric: this.api.metricLatency({ statistic: Stats.p(99), period: fiveMinutes }),
        threshold: 1000,
        // Three periods in a row, so a lone cold start at night does not page anybody.
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DynamoDbThrottleAlarm', {
        alarmDescription: 'DynamoDB throttled reads (hot partition or on-demand limits); the SDK retries, then 500',
        metric: this.readThrottles(fiveMinutes),
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

  private createDashboard(stageName: string): void {
    const minute = Duration.minutes(1);
    const functions = [this.authorizerFunction.function, this.handlerFunction.function];
    const fnLabel = (fn: (typeof functions)[number]) => (fn === this.authorizerFunction.function ? 'authorizer' : 'handler');
    // Dashboard names are unique per account, not per region.
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-${this.region}`,
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
        left: ['p50', 'p90', 'p99'].map((stat) => this.api.metricLatency({ statistic: stat, period: minute, label: stat })),
        right: [this.api.metricIntegrationLatency({ statistic: 'p99', period: minute, label: 'integration p99' })],
      }),
      new GraphWidget({
        title: 'API requests by status',
        width: 12,
        stacked: true,
        left: [
          this.api.metricCount({ statistic: Stats.SUM, period: minute, label: 'all' }),
          this.api.metricClientError({ statistic: Stats.SUM, period: minute, label: '4xx' }),
          this.api.metricServerError({ statistic: Stats.SUM, period: minute, label: '5xx' }),
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'push.get outcomes',
        width: 12,
        stacked: true,
        left: HANDLER_OUTCOME_METRICS.map((name) => this.powertoolsMetric(name)),
      }),
      new GraphWidget({
        title: 'Authorizer outcomes (cache hits never reach the Lambda)',
        width: 12,
        stacked: true,
        left: AUTHORIZER_OUTCOME_METRICS.map((name) => this.powertoolsMetric(name)),
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda duration (ms)',
        width: 8,
        left: functions.flatMap((fn) =>
          ['p50', 'p99'].map((stat) => fn.metricDuration({ statistic: stat, period: minute, label: `${fnLabel(fn)} ${stat}` })),
        ),
      }),
      new GraphWidget({
        title: 'Cold starts',
        width: 8,
        left: functions.map((fn) =>
          this.powertoolsMetric('ColdStart', { function_name: fn.functionName }).with({ label: fnLabel(fn) }),
        ),
      }),
      new GraphWidget({
        title: 'Lambda errors, throttles, concurrency',
        width: 8,
        left: functions.flatMap((fn) => [
          fn.metricErrors({ statistic: Stats.SUM, period: minute, label: `${fnLabel(fn)} errors` }),
          fn.metricThrottles({ statistic: Stats.SUM, period: minute, label: `${fnLabel(fn)} throttles` }),
        ]),
        right: functions.map((fn) =>
          fn.metric('ConcurrentExecutions', { statistic: Stats.MAXIMUM, period: minute, label: `${fnLabel(fn)} concurrency` }),
        ),
      }),
    );
    const operations = [Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY];
    dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed read capacity',
        width: 8,
        left: [this.table.metricConsumedReadCapacityUnits({ statistic: Stats.SUM, period: minute, label: 'table RCU' })],
      }),
      new GraphWidget({
        title: 'DynamoDB throttles',
        width: 8,
        left: [
          this.readThrottles(minute),
          ...operations.map((operation) =>
            this.table.metric('ThrottledRequests', {
              statistic: Stats.SUM,
              period: minute,
              dimensionsMap: { TableName: this.table.tableName, Operation: operation },
              label: `throttled ${operation}`,
            }),
          ),
        ],
      }),
      new GraphWidget({
        title: 'DynamoDB request latency p99 (ms)',
        width: 8,
        left: operations.map((operation) =>
          this.table.metricSuccessfulRequestLatency({
            statistic: 'p99',
            period: minute,
            dimensionsMap: { TableName: this.table.tableName, Operation: operation },
            label: operation,
          }),
        ),
      }),
    );
  }
}
