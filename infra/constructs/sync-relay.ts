/**
 * The live-sync relay (lib/sync/relay) as one ECS Fargate task: it follows Rocket.Chat's MongoDB
 * change stream and writes the table. Optional (`-c sync=fargate`); see docs/deploy.md.
 *
 * - One task, never two: `maxHealthyPercent: 100` stops the old task (SIGTERM: it finishes, checkpoints
 *   and releases its lease) before the new one starts; the lease item guards against overlap anyway.
 * - The MongoDB URI comes from Secrets Manager as the MONGO_URL variable, never from a parameter.
 * - The task role may do exactly what the relay and the apply path do on the table (ACCESS_NEEDS.relay
 *   in lib/store/access-needs.ts), nothing else.
 * - Alarms: lag, checkpoint age (also when the relay stops reporting), dead letters, write throttling.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Alarm, ComparisonOperator, type IAlarmAction, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FlowLogDestination, GatewayVpcEndpointAwsService, type IVpc, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerImage, ContainerInsights, CpuArchitecture, FargateService, FargateTaskDefinition, LogDrivers, OperatingSystemFamily, Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { grantStoreAccess } from './push-table';
import { ACCESS_NEEDS } from '../../lib/store/access-needs';
import { RELAY_METRIC, RELAY_METRICS_NAMESPACE, RELAY_SERVICE_NAME } from '../../lib/sync/relay/metrics';

export interface SyncRelayProps {
  table: ITable;
  /** ARN or name of the Secrets Manager secret holding the MongoDB URI (the whole secret string). */
  mongoSecret: string;
  /** A pushed image (`docker build` of the repo's Dockerfile); default: built from the repo at deploy. */
  imageUri?: string;
  /** The Rocket.Chat database; default: the URI's path, else `rocketchat`. */
  databaseName?: string;
  /** Run in this VPC (where MongoDB is reachable); default: a new VPC with public subnets only. */
  vpc?: { vpcId: string; availabilityZones: string[]; privateSubnetIds: string[] };
  logRetention: RetentionDays;
  alarmAction?: IAlarmAction;
}

export class SyncRelay extends Construct {
  readonly service: FargateService;

  constructor(scope: Construct, id: string, props: SyncRelayProps) {
    super(scope, id);
    const secret = props.mongoSecret.startsWith('arn:') ? Secret.fromSecretCompleteArn(this, 'MongoUri', props.mongoSecret) : Secret.fromSecretNameV2(this, 'MongoUri', props.mongoSecret);

    const ownVpc = props.vpc === undefined;
    const vpc: IVpc = props.vpc
      ? Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: props.vpc.vpcId, availabilityZones: props.vpc.availabilityZones, privateSubnetIds: props.vpc.privateSubnetIds })
      : this.createVpc();
    const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED });

    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    taskDefinition.addContainer('relay', {
      image: this.image(props.imageUri),
      logging: LogDrivers.awsLogs({ logGroup, streamPrefix: 'sync' }),
      secrets: { MONGO_URL: EcsSecret.fromSecretsManager(secret) },
      environment: {
        TABLE_NAME: props.table.tableName,
        ...(props.databaseName ? { MONGO_DB: props.databaseName } : {}),
      },
      // Time to finish the changes in flight and write the checkpoint after SIGTERM.
      stopTimeout: Duration.seconds(60),
    });
    grantStoreAccess(props.table, taskDefinition.taskRole, ACCESS_NEEDS.relay);

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      // Without a NAT gateway the task reaches MongoDB and ECR through a public address (outbound only).
      assignPublicIp: ownVpc,
      vpcSubnets: { subnetType: ownVpc ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS },
    });

    this.createAlarms(props);
    this.acknowledge();
  }

  /**
   * An ECR image through its repository (so the execution role is granted the pull), any other
   * registry by name; without a URI, built from the repo's Dockerfile at deploy (synth only stages
   * the files, so `cdk synth` needs no Docker).
   */
  private image(uri: string | undefined): ContainerImage {
    if (!uri) {
      return ContainerImage.fromAsset('.', { file: 'Dockerfile' });
    }
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/.exec(uri);
    if (!ecr) {
      return ContainerImage.fromRegistry(uri);
    }
    const [, account, region, name, tag, digest] = ecr;
    const repository = Repository.fromRepositoryAttributes(this, 'Repository', {
      repositoryArn: `arn:${Stack.of(this).partition}:ecr:${region}:${account}:repository/${name}`,
      repositoryName: name!,
    });
    return ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
  }

  private createVpc(): Vpc {
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    vpc.addFlowLog('FlowLogs', {
      destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogGroup', { removalPolicy: RemovalPolicy.DESTROY })),
    });
    return vpc;
  }

  private metric(name: string, statistic: string): Metric {
    return new Metric({
      namespace: RELAY_METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: RELAY_SERVICE_NAME },
      statistic,
      period: Duration.minutes(5),
    });
  }

  private createAlarms(props: SyncRelayProps): void {
    const table = props.table;
    const alarms = [
      new Alarm(this, 'LagAlarm', {
        alarmDescription: 'Sync lag p99 above 60 s for 15 minutes: phones ask about messages the table does not have yet (404s)',
        metric: this.metric(RELAY_METRIC.lagP99, Stats.MAXIMUM),
        threshold: 60_000,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'CheckpointAgeAlarm', {
        alarmDescription: 'Sync checkpoint has not moved for 10 minutes, or the relay stopped reporting: it is stuck or not running, and the oplog window is running out',
        metric: this.metric(RELAY_METRIC.checkpointAge, Stats.MAXIMUM),
        threshold: 600,
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No data means no relay: that is the case this alarm exists for.
        treatMissingData: TreatMissingData.BREACHING,
      }),
      new Alarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'Sync wrote dead letters (changes it could not map): see the SYNC#DEADLETTER items in the table',
        metric: this.metric(RELAY_METRIC.deadLetters, Stats.SUM),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'WriteThrottleAlarm', {
        alarmDescription: "DynamoDB throttled sync writes (a big room's unread burst above the table's write capacity): lag grows; see docs/deploy.md",
        metric: table.metric('WriteThrottleEvents', { statistic: Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (props.alarmAction) {
      for (const alarm of alarms) {
        alarm.addAlarmAction(props.alarmAction);
        alarm.addOkAction(props.alarmAction);
      }
    }
  }

  private acknowledge(): void {
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: "The task's environment holds only the table and database names; the MongoDB URI is injected from Secrets Manager.",
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "The execution role's ecr:GetAuthorizationToken (and the awslogs driver's log-stream actions) cannot be scoped to a resource; CDK grants them to pull the image and ship logs.",
    });
  }
}
