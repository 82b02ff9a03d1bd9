/**
 * The REST API: stage with throttling, access log and tracing, the request authorizer, the one
 * route, and the gateway responses in Rocket.Chat's shapes. Built in the stack's own scope, so the
 * logical ids are those of a single-file stack.
 */
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
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
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { INTERNAL_ERROR_BODY, NO_CACHE_HEADERS, unauthorizedBody } from '../../functions/commons/http';
import type { PushFunction } from './push-function';

/** The only route. Path parts are API Gateway resources, so the stage prefix (`/prod`) comes for free. */
export const PUSH_GET_PATH = 'api/v1/push.get';

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

export interface PushApiOptions {
  readonly stageName: string;
  readonly logRetention: RetentionDays;
  readonly authorizerCacheTtlSeconds: number;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
  readonly authorizerFunction: PushFunction;
  readonly handlerFunction: PushFunction;
}

export function addPushApi(stack: Stack, options: PushApiOptions): RestApi {
  const { authorizerFunction, handlerFunction } = options;
  const api = createApi(stack, options.stageName, options.logRetention, options);
  const authorizer = new RequestAuthorizer(stack, 'RequestAuthorizer', {
    handler: authorizerFunction.function,
    // Both headers are the cache key, so one user's cached Allow never serves another token.
    // A request missing either header is refused with 401 before the Lambda is even called.
    identitySources: [IdentitySource.header('X-User-Id'), IdentitySource.header('X-Auth-Token')],
    resultsCacheTtl: Duration.seconds(options.authorizerCacheTtlSeconds),
  });
  api.root.resourceForPath(PUSH_GET_PATH).addMethod('GET', new LambdaIntegration(handlerFunction.function, { proxy: true }), {
    authorizer,
    authorizationType: AuthorizationType.CUSTOM,
  });
  addGatewayResponses(api);
  return api;
}

function createApi(stack: Stack, stageName: string, logRetention: RetentionDays, props: PushApiOptions): RestApi {
  const accessLogs = new LogGroup(stack, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const api = new RestApi(stack, 'Api', {
    restApiName: stack.stackName,
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
    reason: 'No WAF: every call passes a Lambda authorizer (cached per token) and the stage is throttled; a web ACL can be associated later without changing this stack.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Clients authenticate with Rocket.Chat login tokens (X-User-Id / X-Auth-Token), not Cognito; the method uses a Lambda request authorizer that checks them.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'The account-level API Gateway logging role serves every REST API in the account and region, so it cannot be scoped to this API; the AWS-managed policy is the documented one for it.',
  });
  return api;
}

function addGatewayResponses(api: RestApi): void {
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
  // Gateway response header values are mapping expressions: a fixed value is single-quoted.
  const responseHeaders = Object.fromEntries(Object.entries(NO_CACHE_HEADERS).map(([name, value]) => [name, `'${value}'`]));
  for (const [id, type, statusCode, body] of responses) {
    api.addGatewayResponse(id, { type, statusCode, responseHeaders, templates: { 'application/json': body } });
  }
}
