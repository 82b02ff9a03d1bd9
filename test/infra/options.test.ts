import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { propsFromContext } from '../../infra/push-get-app';
import { resourcesOfType, synth, type Synthesized } from './synth';

describe('context parsing (-c key=value)', () => {
  it('turns the strings the CLI passes into typed props', () => {
    const app = new App({
      context: {
        stage: 'dev',
        authorizerCacheTtlSeconds: '0',
        throttlingRateLimit: '50',
        throttlingBurstLimit: '100',
        logRetentionDays: '7',
        tableRemovalPolicy: 'destroy',
        deletionProtection: 'false',
        alarmEmail: 'ops@example.com',
        existingTableName: 'rc-push',
        sourceMaps: 'true',
      },
    });
    expect(propsFromContext(app)).toEqual({
      stageName: 'dev',
      authorizerCacheTtlSeconds: 0,
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      logRetention: RetentionDays.ONE_WEEK,
      tableRemovalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
      alarmEmail: 'ops@example.com',
      existingTableName: 'rc-push',
      sourceMapsInStackTraces: true,
    });
  });

  it('leaves unset keys to the stack defaults', () => {
    expect(Object.values(propsFromContext(new App())).every((value) => value === undefined)).toBe(true);
  });

  it.each([
    ['authorizerCacheTtlSeconds', 'soon'],
    ['throttlingRateLimit', '-1'],
    ['logRetentionDays', '10'],
    ['tableRemovalPolicy', 'keep'],
    ['deletionProtection', 'yes'],
    ['sourceMaps', 'on'],
  ])('rejects %s=%s', (key, value) => {
    expect(() => propsFromContext(new App({ context: { [key]: value } }))).toThrow(key);
  });
});

describe('existing table, non-production stage, no alarm e-mail', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      stage: 'dev',
      existingTableName: 'rc-push',
      authorizerCacheTtlSeconds: '0',
      throttlingRateLimit: '50',
      throttlingBurstLimit: '100',
      logRetentionDays: '7',
      sourceMaps: 'true',
    });
  });

  it("maps uncaught errors' stack traces to the sources when asked (-c sourceMaps=true)", () => {
    const functions = resourcesOfType(s.json, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    for (const [, fn] of functions) expect(fn.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('creates no table and grants on the named one and its badge index', () => {
    s.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    const statements = resourcesOfType(s.json, 'AWS::IAM::Policy').flatMap(([, p]) => p.PolicyDocument.Statement);
    const dynamo = JSON.stringify(statements.filter((st: { Action: string | string[] }) => String(st.Action).includes('dynamodb:')));
    expect(dynamo).toContain(':table/rc-push"');
    expect(dynamo).toContain(':table/rc-push/index/badge"');
    s.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TABLE_NAME: 'rc-push' } } });
  });

  it('applies stage, cache TTL, throttling and retention from context', () => {
    expect(s.stack.stackName).toBe('PushGet-dev');
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      MethodSettings: [{ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }],
    });
    s.template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
    for (const [, group] of resourcesOfType(s.json, 'AWS::Logs::LogGroup')) expect(group.RetentionInDays).toBe(7);
  });

  it('still has the alarms, without a topic to notify', () => {
    s.template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(5);
    for (const [, alarm] of alarms) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('passes cdk-nag', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      expect(pack.validateScope(s.app).violations).toEqual([]);
    }
  });
});

describe('own table outside production', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ stage: 'dev', tableRemovalPolicy: 'destroy' });
  });

  it('has no deletion protection by default and follows the removal policy', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
  });
});
