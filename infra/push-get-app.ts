import { type App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PushGetStack, type PushGetStackProps } from './push-get-stack';

/**
 * Stack props from CDK context (`cdk.json` or `-c key=value`). Values given with `-c` arrive as
 * strings, values in cdk.json may be typed; both are accepted. Unset keys keep the stack's defaults.
 */
export function propsFromContext(app: App): PushGetStackProps {
  const raw = (key: string): unknown => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === '' ? undefined : value;
  };
  const string = (key: string): string | undefined => {
    const value = raw(key);
    return value === undefined ? undefined : String(value);
  };
  const number = (key: string): number | undefined => {
    const value = raw(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`Context ${key} must be a number ≥ 0, got ${String(value)}`);
    return parsed;
  };
  const boolean = (key: string): boolean | undefined => {
    const value = raw(key);
    if (value === undefined) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`Context ${key} must be true or false, got ${String(value)}`);
  };

  const retentionDays = number('logRetentionDays');
  if (retentionDays !== undefined && !Object.values(RetentionDays).includes(retentionDays)) {
    throw new Error(`Context logRetentionDays must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ...), got ${retentionDays}`);
  }
  const removal = string('tableRemovalPolicy');
  const removalPolicies: Record<string, RemovalPolicy> = {
    retain: RemovalPolicy.RETAIN,
    destroy: RemovalPolicy.DESTROY,
    snapshot: RemovalPolicy.SNAPSHOT,
  };
  if (removal !== undefined && !(removal in removalPolicies)) {
    throw new Error(`Context tableRemovalPolicy must be retain, destroy or snapshot, got ${removal}`);
  }

  return {
    syncRelay: syncRelayFromContext(string),
    stageName: string('stage'),
    authorizerCacheTtlSeconds: number('authorizerCacheTtlSeconds'),
    throttlingRateLimit: number('throttlingRateLimit'),
    throttlingBurstLimit: number('throttlingBurstLimit'),
    logRetention: retentionDays as RetentionDays | undefined,
    tableRemovalPolicy: removal === undefined ? undefined : removalPolicies[removal],
    deletionProtection: boolean('deletionProtection'),
    alarmEmail: string('alarmEmail'),
    existingTableName: string('existingTableName'),
    sourceMapsInStackTraces: boolean('sourceMaps'),
  };
}

/**
 * `-c sync=fargate -c syncMongoSecret=ARN|NAME [-c syncImage=URI] [-c syncDb=NAME]
 * [-c syncVpcId=vpc-… -c syncSubnetIds=subnet-a,subnet-b -c syncAvailabilityZones=eu-west-1a,eu-west-1b]`.
 */
function syncRelayFromContext(string: (key: string) => string | undefined): PushGetStackProps['syncRelay'] {
  const mode = string('sync');
  if (mode === undefined || mode === 'none') return undefined;
  if (mode !== 'fargate') throw new Error(`Context sync must be fargate or none, got ${mode}`);
  const mongoSecret = string('syncMongoSecret');
  if (!mongoSecret) throw new Error('Context sync=fargate needs syncMongoSecret (the ARN or name of the secret holding the MongoDB URI)');
  const list = (key: string) =>
    string(key)
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const vpcId = string('syncVpcId');
  const privateSubnetIds = list('syncSubnetIds');
  const availabilityZones = list('syncAvailabilityZones');
  if (vpcId && (!privateSubnetIds?.length || privateSubnetIds.length !== availabilityZones?.length)) {
    throw new Error('Context syncVpcId needs syncSubnetIds and syncAvailabilityZones, one zone per subnet');
  }
  return {
    mongoSecret,
    imageUri: string('syncImage'),
    databaseName: string('syncDb'),
    vpc: vpcId ? { vpcId, privateSubnetIds: privateSubnetIds!, availabilityZones: availabilityZones! } : undefined,
  };
}

/** Adds the stack (`PushGet-<stage>`) and the cdk-nag rule packs to `app`. Shared by the CLI app and the tests. */
export function buildPushGetApp(app: App): PushGetStack {
  const props = propsFromContext(app);
  const stage = props.stageName ?? 'prod';
  const stack = new PushGetStack(app, `PushGet-${stage}`, {
    ...props,
    description: `Rocket.Chat-compatible GET /api/v1/push.get (${stage})`,
    tags: { project: 'rocketchat-push-get', stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
