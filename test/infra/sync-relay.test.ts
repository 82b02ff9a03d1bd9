/**
 * The optional live-sync relay on ECS Fargate (`-c sync=fargate`): synthesized offline (the image
 * comes from a registry URI, so no Docker is needed), one task, the MongoDB URI from Secrets
 * Manager only, a task role limited to the relay's table actions, the four alarms, cdk-nag clean.
 */
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { propsFromContext } from '../../infra/push-get-app';
import { onlyResource, resourcesOfType, synth, type Synthesized } from './synth';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rocketchat-mongo-AbCdEf';
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/push-get-sync:1.0.0';

describe('-c sync=fargate', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ sync: 'fargate', syncMongoSecret: SECRET_ARN, syncImage: IMAGE, syncDb: 'rocketchat' });
  });

  it('runs exactly one task, and stops the old one before starting a new one', () => {
    const service = onlyResource(s.json, 'AWS::ECS::Service');
    expect(service.DesiredCount).toBe(1);
    expect(service.LaunchType).toBe('FARGATE');
    expect(service.DeploymentConfiguration).toMatchObject({ MaximumPercent: 100, MinimumHealthyPercent: 0 });
  });

  it('passes the MongoDB URI only as a Secrets Manager secret, never as a value', () => {
    const task = onlyResource(s.json, 'AWS::ECS::TaskDefinition');
    const [container] = task.ContainerDefinitions;
    expect(JSON.stringify(container.Image)).toContain('push-get-sync');
    expect(JSON.stringify(container.Image)).toContain(':1.0.0');
    expect(container.Secrets).toEqual([{ Name: 'MONGO_URL', ValueFrom: SECRET_ARN }]);
    expect(container.Environment.map((e: { Name: string }) => e.Name).sort()).toEqual(['MONGO_DB', 'TABLE_NAME']);
    expect(container.StopTimeout).toBeGreaterThanOrEqual(30);
    expect(JSON.stringify(s.json)).not.toMatch(/mongodb(\+srv)?:\/\//);
    expect(task.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
  });

  it("lets the task role read and write the table with exactly the relay's actions, and nothing else", () => {
    const task = onlyResource(s.json, 'AWS::ECS::TaskDefinition');
    const roleId = task.TaskRoleArn['Fn::GetAtt'][0];
    const policies = resourcesOfType(s.json, 'AWS::IAM::Policy').filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === roleId));
    const statements = policies.flatMap(([, p]) => p.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect([statements[0].Action].flat().sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    // The table itself, no index and no wildcard.
    expect(JSON.stringify(statements[0].Resource)).not.toContain('index');
    expect(JSON.stringify(statements[0].Resource)).not.toContain('*');
    expect(resourcesOfType(s.json, 'AWS::IAM::Role').find(([id]) => id === roleId)![1].ManagedPolicyArns).toBeUndefined();
  });

  it('alarms on lag, checkpoint age (also when the relay is silent), dead letters and write throttling', () => {
    const alarms = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const byMetric = (name: string) => alarms.find((a) => a.MetricName === name);
    expect(byMetric('SyncLagP99')).toMatchObject({ Namespace: 'PushGet', Dimensions: [{ Name: 'service', Value: 'push-get-sync' }] });
    expect(byMetric('SyncCheckpointAge')).toMatchObject({ TreatMissingData: 'breaching' });
    expect(byMetric('SyncDeadLetters')).toMatchObject({ Statistic: 'Sum', Threshold: 1 });
    expect(byMetric('WriteThrottleEvents')).toMatchObject({ Namespace: 'AWS/DynamoDB' });
  });

  it('creates its own VPC without NAT (public address, outbound only) when none is given', () => {
    expect(resourcesOfType(s.json, 'AWS::EC2::NatGateway')).toHaveLength(0);
    expect(onlyResource(s.json, 'AWS::ECS::Service').NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
    expect(resourcesOfType(s.json, 'AWS::EC2::SecurityGroup').every(([, g]) => !g.SecurityGroupIngress)).toBe(true);
    expect(resourcesOfType(s.json, 'AWS::EC2::VPCEndpoint')).toHaveLength(1);
  });

  it('is cdk-nag clean (AwsSolutions and Serverless)', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(s.app);
      expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
    expect(s.validationReport.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });
});

describe('sync context', () => {
  it('is off unless asked for', () => {
    expect(propsFromContext(new App()).syncRelay).toBeUndefined();
    expect(propsFromContext(new App({ context: { sync: 'none' } })).syncRelay).toBeUndefined();
  });

  it('needs the secret, and a complete VPC description when a VPC is given', () => {
    expect(() => propsFromContext(new App({ context: { sync: 'fargate' } }))).toThrow(/syncMongoSecret/);
    expect(() => propsFromContext(new App({ context: { sync: 'lambda' } }))).toThrow(/sync must be/);
    expect(() => propsFromContext(new App({ context: { sync: 'fargate', syncMongoSecret: 'x', syncVpcId: 'vpc-1' } }))).toThrow(/syncSubnetIds/);
    expect(
      propsFromContext(new App({ context: { sync: 'fargate', syncMongoSecret: 'rc-mongo', syncVpcId: 'vpc-1', syncSubnetIds: 'subnet-a, subnet-b', syncAvailabilityZones: 'eu-west-1a,eu-west-1b' } }))
        .syncRelay,
    ).toEqual({ mongoSecret: 'rc-mongo', vpc: { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'], availabilityZones: ['eu-west-1a', 'eu-west-1b'] } });
  });
});
