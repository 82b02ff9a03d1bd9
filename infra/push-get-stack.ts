import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ACCESS_NEEDS } from '../lib/dynamodb/access-needs';
import { addObservability, METRICS_NAMESPACE, SERVICE_NAME } from './constructs/observability';
import { addPushApi, PUSH_GET_PATH } from './constructs/push-api';
import { PushFunction } from './constructs/push-function';
import { addPushTable, grantStoreAccess } from './constructs/push-table';
import { SyncRelay, type SyncRelayProps } from './constructs/sync-relay';

export { AUTHORIZER_OUTCOME_METRICS, HANDLER_OUTCOME_METRICS } from './constructs/observability';

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
  /** Uncaught errors' stack traces mapped to the TypeScript sources, at ~10 ms per cold start (`-c sourceMaps=true`). @default false */
  readonly sourceMapsInStackTraces?: boolean;
  /** Run the live-sync relay on ECS Fargate (`-c sync=fargate`). */
  readonly syncRelay?: Omit<SyncRelayProps, 'table' | 'logRetention' | 'alarmAction'>;
}

/** Wires the parts: table (push-table.ts), functions (push-function.ts), API (push-api.ts), alarms and dashboard (observability.ts), the optional relay (sync-relay.ts). */
export class PushGetStack extends Stack {
  readonly table: ITable;
  readonly api: RestApi;
  readonly authorizerFunction: PushFunction;
  readonly handlerFunction: PushFunction;

  constructor(scope: Construct, id: string, props: PushGetStackProps = {}) {
    super(scope, id, props);

    const stageName = props.stageName ?? 'prod';
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.table = addPushTable(this, {
      existingTableName: props.existingTableName,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? stageName === 'prod',
    });

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
      sourceMapsInStackTraces: props.sourceMapsInStackTraces,
    });
    grantStoreAccess(this.table, this.authorizerFunction.role, ACCESS_NEEDS.authorizer);

    this.handlerFunction = new PushFunction(this, 'Handler', {
      entry: 'functions/push-get/index.ts',
      functionName: `${this.stackName}-handler`,
      description: 'GET /api/v1/push.get: message + notification for the authorized user',
      timeout: Duration.seconds(10),
      logRetention,
      environment,
      sourceMapsInStackTraces: props.sourceMapsInStackTraces,
    });
    grantStoreAccess(this.table, this.handlerFunction.role, ACCESS_NEEDS.handler);

    // --- REST API and operations ----------------------------------------------------------------
    this.api = addPushApi(this, {
      stageName,
      logRetention,
      authorizerCacheTtlSeconds: props.authorizerCacheTtlSeconds ?? 60,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
      authorizerFunction: this.authorizerFunction,
      handlerFunction: this.handlerFunction,
    });
    const alarmAction = addObservability(this, {
      stageName,
      table: this.table,
      api: this.api,
      authorizerFunction: this.authorizerFunction,
      handlerFunction: this.handlerFunction,
      alarmEmail: props.alarmEmail,
    });
    if (props.syncRelay) {
      new SyncRelay(this, 'SyncRelay', { ...props.syncRelay, table: this.table, logRetention, alarmAction });
    }

    new CfnOutput(this, 'PushGetUrl', {
      description: 'The push.get endpoint (GET with X-User-Id and X-Auth-Token)',
      value: `${this.api.url}${PUSH_GET_PATH}`,
    });
    // The stage URL itself is RestApi's own `ApiEndpoint…` output.
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AuthorizerFunctionName', { value: this.authorizerFunction.function.functionName });
    new CfnOutput(this, 'HandlerFunctionName', { value: this.handlerFunction.function.functionName });
  }
}
