import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUCCESS_OUTCOMES } from '../../functions/commons/outcomes';
import { AUTHORIZER_OUTCOME_METRICS, HANDLER_OUTCOME_METRICS } from '../../infra/push-get-stack';
import { REFUSAL_REASONS, SAVED_QUERY_NAMES } from '../../infra/constructs/observability';
import { outcomeOf, REASON_NAMES } from '../../lib/reasons';
import { PLATFORMS } from '../../lib/user-agent';
import { onlyResource, resourcesOfType, synth, type Synthesized } from './synth';

const LOGIN_REQUIRED = 'You must be logged in to do this.';

let s: Synthesized;
beforeAll(() => {
  s = synth({ alarmEmail: 'ops@example.com' });
});

/** Ref of the only resource of `type` whose logical id starts with `prefix`. */
function logicalId(type: string, prefix: string): string {
  const ids = resourcesOfType(s.json, type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

function policyStatementsOf(rolePrefix: string): unknown[] {
  const roleId = logicalId('AWS::IAM::Role', rolePrefix);
  const policies = resourcesOfType(s.json, 'AWS::IAM::Policy').filter(([, p]) => (p.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })));
  expect(policies).toHaveLength(1);
  return policies[0]![1].PolicyDocument.Statement;
}

describe('route', () => {
  it('has exactly one method: GET /api/v1/push.get, Lambda proxy, behind the custom authorizer', () => {
    const paths = resourcesOfType(s.json, 'AWS::ApiGateway::Resource').map(([, r]) => r.PathPart);
    expect(paths).toEqual(['api', 'v1', 'push.get']);
    s.template.resourceCountIs('AWS::ApiGateway::Method', 1);
    s.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: logicalId('AWS::ApiGateway::Authorizer', 'RequestAuthorizer') },
      ResourceId: { Ref: logicalId('AWS::ApiGateway::Resource', 'Apiapiv1pushget') },
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'Handler'), 'Arn'] }])] },
      },
    });
  });

  it('is served under the stage prefix and outputs the exact push.get URL', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
    const url = s.json.Outputs!.PushGetUrl.Value['Fn::Join'][1];
    expect(url.at(-1)).toBe('/api/v1/push.get');
    expect(url).toContainEqual({ Ref: logicalId('AWS::ApiGateway::Stage', 'ApiDeploymentStageprod') });
    expect(Object.keys(s.json.Outputs!)).toEqual(expect.arrayContaining(['PushGetUrl', 'TableName', 'AuthorizerFunctionName', 'HandlerFunctionName', 'AlarmTopicArn']));
  });

  it('uses a regional endpoint', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });
});

describe('authorizer', () => {
  it('is a REQUEST authorizer keyed on both credential headers, cached 60 s', () => {
    s.template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    s.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.X-User-Id,method.request.header.X-Auth-Token',
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerUri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'Authorizer'), 'Arn'] }])] },
    });
  });
});

describe('gateway responses', () => {
  const cases: [string, string | undefined, unknown][] = [
    ['UNAUTHORIZED', '401', { success: false, error: LOGIN_REQUIRED, status: 'error', message: LOGIN_REQUIRED }],
    ['ACCESS_DENIED', '401', { success: false, error: LOGIN_REQUIRED, status: 'error', message: LOGIN_REQUIRED }],
    ['THROTTLED', '429', { success: false, error: 'Error, too many requests. Please slow down. ... [error-too-many-requests]' }],
    ['AUTHORIZER_FAILURE', '500', { success: false, error: 'Internal server error' }],
    ['DEFAULT_5XX', '500', { success: false, error: 'Internal server error' }],
  ];

  it.each(cases)('%s answers %s with the Rocket.Chat body', (type, status, body) => {
    const response = onlyResource(s.json, 'AWS::ApiGateway::GatewayResponse', (_, r) => r.ResponseType === type);
    expect(response.StatusCode).toBe(status);
    expect(JSON.parse(response.ResponseTemplates['application/json'])).toEqual(body);
  });

  it("every gateway response forbids caching, like the functions' answers", () => {
    const responses = Object.values(s.template.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.map((r) => r.Properties.ResponseType).sort()).toEqual(['ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'DEFAULT_4XX', 'DEFAULT_5XX', 'THROTTLED', 'UNAUTHORIZED']);
    for (const response of responses) {
      expect(response.Properties.ResponseParameters).toStrictEqual({
        'gatewayresponse.header.Cache-Control': "'no-store'",
        'gatewayresponse.header.Pragma': "'no-cache'",
      });
    }
  });

  it('DEFAULT_4XX keeps API Gateway status and message in a JSON shape', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'DEFAULT_4XX',
      StatusCode: Match.absent(),
      ResponseTemplates: { 'application/json': '{"success":false,"error":$context.error.messageString}' },
    });
    // With API Gateway's quoted message substituted, the body is valid JSON.
    const body = '{"success":false,"error":$context.error.messageString}'.replace('$context.error.messageString', JSON.stringify('Missing Authentication Token'));
    expect(JSON.parse(body)).toEqual({ success: false, error: 'Missing Authentication Token' });
  });
});

describe('stage', () => {
  it('throttles, logs errors only, never traces data, has X-Ray and detailed metrics', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        },
      ],
    });
  });

  it('writes JSON access logs with the operational fields and no header or body', () => {
    const stage = onlyResource(s.json, 'AWS::ApiGateway::Stage');
    const format: string = stage.AccessLogSetting.Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      path: '$context.path',
      status: '$context.status',
      latency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      authorizerLatency: '$context.authorizer.latency',
      authorizerError: '$context.authorizer.error',
      userAgent: '$context.identity.userAgent',
    });
    expect(format).not.toMatch(/header|\$input|\$method\.request|\$request\.|token/i);
    expect(stage.AccessLogSetting.DestinationArn).toBeDefined();
  });

  it('creates the account-level CloudWatch role that API Gateway logging needs, and retains it', () => {
    s.template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
  });
});

describe('functions', () => {
  it.each([
    ['Authorizer', 5],
    ['Handler', 10],
  ])('%s: Node.js 24 on arm64, 512 MB, %i s, active tracing, own log group, no source-map parsing at start', (prefix, timeout) => {
    const id = logicalId('AWS::Lambda::Function', prefix);
    s.template.hasResource('AWS::Lambda::Function', {
      Properties: {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: timeout,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId('AWS::Logs::LogGroup', `${prefix}LogGroup`) } },
        Environment: {
          Variables: {
            NODE_OPTIONS: Match.absent(),
            TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::Table', 'Table') },
            POWERTOOLS_SERVICE_NAME: 'push-get',
            POWERTOOLS_METRICS_NAMESPACE: 'PushGet',
            POWERTOOLS_METRICS_FUNCTION_NAME: `PushGet-prod-${prefix.toLowerCase()}`,
            LOG_LEVEL: 'INFO',
          },
        },
      },
    });
    expect(s.json.Resources[id]!.Properties!.Timeout).toBeLessThan(29);
  });

  it('keeps every log group 30 days', () => {
    const groups = resourcesOfType(s.json, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(3); // two functions + access logs
    for (const [, group] of groups) expect(group.RetentionInDays).toBe(30);
  });
});

describe('IAM', () => {
  const logsStatement = (prefix: string) => ({
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Effect: 'Allow',
    Resource: { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', `${prefix}LogGroup`), 'Arn'] },
  });
  const xrayStatement = { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' };
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table', 'Table'), 'Arn'] });

  it('authorizer: BatchGetItem on the table only (token and login expiration together)', () => {
    expect(policyStatementsOf('AuthorizerRole')).toEqual([logsStatement('Authorizer'), xrayStatement, { Action: 'dynamodb:BatchGetItem', Effect: 'Allow', Resource: tableArn() }]);
  });

  it('handler: GetItem, BatchGetItem on the table and Query on the badge index only', () => {
    expect(policyStatementsOf('HandlerRole')).toEqual([
      logsStatement('Handler'),
      xrayStatement,
      { Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'], Effect: 'Allow', Resource: tableArn() },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [tableArn(), '/index/badge']] } },
    ]);
  });

  it('function roles carry no managed policies, and no statement anywhere has a wildcard action', () => {
    for (const prefix of ['AuthorizerRole', 'HandlerRole']) {
      expect(s.json.Resources[logicalId('AWS::IAM::Role', prefix)]!.Properties!.ManagedPolicyArns).toBeUndefined();
    }
    for (const [, policy] of resourcesOfType(s.json, 'AWS::IAM::Policy')) {
      for (const statement of policy.PolicyDocument.Statement) {
        for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
      }
    }
  });
});

describe('table', () => {
  it('is on demand with PITR, TTL, deletion protection and the pk/sk keys, and is retained', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('has one index, badge (INCLUDE unread)', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'badge',
          KeySchema: [{ AttributeName: 'badgeUser', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['unread'] },
        },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'badgeUser', AttributeType: 'S' },
      ],
    });
  });
});

describe('operations', () => {
  it('has the five alarms, each notifying the e-mail topic on alarm and recovery', () => {
    const alarms = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['Api5xxAlarm', 'ApiLatencyP99Alarm', 'AuthorizerErrorsAlarm', 'DynamoDbThrottleAlarm', 'HandlerErrorsAlarm']);
    const topic = { Ref: logicalId('AWS::SNS::Topic', 'AlarmTopic') };
    for (const [, alarm] of alarms) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('alarms on API 5xx, p99 latency and handler errors', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Statistic: 'Sum' });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 1000,
      EvaluationPeriods: 3,
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', 'Handler') } }],
    });
  });

  it('counts authorizer errors without the refusals it throws on purpose', () => {
    const alarm = onlyResource(s.json, 'AWS::CloudWatch::Alarm', (id) => id.startsWith('AuthorizerErrorsAlarm'));
    const byId = Object.fromEntries(alarm.Metrics.map((m: { Id: string }) => [m.Id, m]));
    expect(alarm.Metrics.find((m: { Expression?: string }) => m.Expression).Expression).toBe('errors - FILL(refused, 0)');
    expect(byId.errors.MetricStat.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    expect(byId.refused.MetricStat.Metric).toMatchObject({
      Namespace: 'PushGet',
      MetricName: 'Unauthorized',
      Dimensions: [{ Name: 'service', Value: 'push-get' }],
    });
  });

  it('alarms on DynamoDB read throttles of the table and the badge index', () => {
    const alarm = onlyResource(s.json, 'AWS::CloudWatch::Alarm', (id) => id.startsWith('DynamoDbThrottleAlarm'));
    const metrics = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    expect(metrics).toHaveLength(2);
    for (const metric of metrics) expect(metric).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents' });
    expect(JSON.stringify(metrics)).toContain('"GlobalSecondaryIndexName"');
  });

  it('has a dashboard with API latency percentiles, the Powertools outcomes and cold starts, and DynamoDB capacity', () => {
    const dashboard = onlyResource(s.json, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const stat of ['p50', 'p90', 'p99']) expect(body).toContain(`\\"stat\\":\\"${stat}\\"`);
    const successes: string[] = Object.values(SUCCESS_OUTCOMES);
    const written = [...HANDLER_OUTCOME_METRICS, ...AUTHORIZER_OUTCOME_METRICS].filter((name) => !successes.includes(name));
    for (const name of [...written, 'ColdStart']) {
      expect(body).toContain(`\\"PushGet\\",\\"${name}\\"`);
    }
    // The successes are derived from each function's Lambda metrics, never written.
    for (const name of successes) expect(body).not.toContain(`\\"PushGet\\",\\"${name}\\"`);
    expect(body).toContain('{\\"label\\":\\"Authorized\\",\\"expression\\":\\"invocations - FILL(errors, 0)\\"');
    const handlerOthers = written.filter((name) => (HANDLER_OUTCOME_METRICS as string[]).includes(name) && !(AUTHORIZER_OUTCOME_METRICS as string[]).includes(name));
    expect(handlerOthers).toStrictEqual(['BadRequest', 'MessageNotFound', 'RoomNotFound', 'NotAllowed', 'SenderNotFound', 'Error']);
    const okExpression = ['invocations - FILL(errors, 0)', ...handlerOthers.map((_, i) => `FILL(outcome${i}, 0)`)].join(' - ');
    expect(body).toContain(`{\\"label\\":\\"Ok\\",\\"expression\\":\\"${okExpression}\\"`);
    for (const prefix of ['Authorizer', 'Handler']) {
      const fnRef = JSON.stringify({ Ref: logicalId('AWS::Lambda::Function', prefix) });
      for (const [id, name] of [
        ['invocations', 'Invocations'],
        ['errors', 'Errors'],
      ]) {
        expect(body).toContain(`\\"AWS/Lambda\\",\\"${name}\\",\\"FunctionName\\",\\"",${fnRef},"\\",{\\"id\\":\\"${id}\\"`);
      }
    }
    for (const name of ['ConsumedReadCapacityUnits', 'ReadThrottleEvents', 'Duration', '5XXError', '4XXError', 'Count']) {
      expect(body).toContain(`\\"${name}\\"`);
    }
  });
});

describe('reasons on the dashboard and in saved queries', () => {
  const body = () => JSON.stringify(onlyResource(s.json, 'AWS::CloudWatch::Dashboard').DashboardBody);

  it('graphs every refusal reason of lib/reasons.ts as its outcome metric with its reason dimension', () => {
    expect(REFUSAL_REASONS).toStrictEqual(REASON_NAMES.filter((reason) => reason !== 'ok'));
    for (const reason of REFUSAL_REASONS) {
      expect(body()).toContain(`\\"PushGet\\",\\"${outcomeOf(reason)}\\",\\"reason\\",\\"${reason}\\",\\"service\\",\\"push-get\\"`);
    }
  });

  it('graphs refusals per platform, and a funnel from requests to answers', () => {
    for (const platform of PLATFORMS) expect(body()).toContain(`\\"platform\\",\\"${platform}\\"`);
    expect(body()).toContain('Funnel: how far requests get');
    expect(body()).toContain('\\"view\\":\\"bar\\"');
    for (const label of ['requests', 'logged in', 'message found', 'access allowed', 'Ok']) expect(body()).toContain(`\\"label\\":\\"${label}\\"`);
    expect(body()).toContain('passed - FILL(refused0, 0) - FILL(refused1, 0) - FILL(refused2, 0) - FILL(refused3, 0)');
  });

  it("saves two Logs Insights queries over both functions' log groups: one user's timeline, refusals by reason", () => {
    const queries = resourcesOfType(s.json, 'AWS::Logs::QueryDefinition').map(([, properties]) => properties);
    expect(queries.map((query) => query.Name).sort()).toStrictEqual(Object.values(SAVED_QUERY_NAMES).sort());
    const groups = ['Authorizer', 'Handler'].map((prefix) => ({ Ref: logicalId('AWS::Logs::LogGroup', prefix) }));
    for (const query of queries) expect(query.LogGroupNames).toStrictEqual(groups);
    const byName = Object.fromEntries(queries.map((query) => [query.Name, String(query.QueryString)]));
    const timeline = byName[SAVED_QUERY_NAMES.timeline]!;
    expect(timeline).toMatch(/filter message in \["refused", "failed"\]/);
    expect(timeline).toMatch(/filter userId = "REPLACE-WITH-USER-ID"/);
    expect(timeline).toMatch(/fields @timestamp, reason, messageId, latencyMs, platform, version/);
    expect(timeline).toMatch(/sort @timestamp desc/);
    expect(byName[SAVED_QUERY_NAMES.byReason]).toMatch(/stats count\(\*\) as requests.* by reason, platform/);
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless report no unacknowledged error or warning', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(s.app);
      expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });

  it('the synth validation report (what `cdk synth` prints) is empty', () => {
    expect(s.validationReport.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });
});
