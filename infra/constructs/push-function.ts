import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Repository root: entry points, package-lock.json and tsconfig.json are resolved from here. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Newest Node.js that aws-cdk-lib 2.276 knows (`Runtime.NODEJS_24_X`). Pinned rather than
 * `NODEJS_LATEST`, whose meaning changes with library upgrades and so would silently change runtime.
 */
const RUNTIME = Runtime.NODEJS_24_X;

/**
 * 512 MB: Lambda allocates CPU in proportion to memory, so 512 MB has about twice the CPU of
 * 256 MB. Loading the bundle (0.4–0.7 MB of JS, creating the SDK client) and the first TLS
 * handshake to DynamoDB are CPU-bound, so the cold start shrinks; warm calls are I/O bound and
 * take a few tens of ms either way, so the price per call stays in cents per million.
 */
const MEMORY_MB = 512;

/**
 * An ES module has no `require`. If a CommonJS dependency in the bundle requires a Node built-in,
 * esbuild keeps that call and it would fail at run time ("Dynamic require of ... is not
 * supported"); a real `require` bound to the module's URL makes it work. Today's dependencies
 * do not need it, a future one may.
 */
const ESM_REQUIRE_BANNER = "import { createRequire as __pushGetCreateRequire } from 'node:module'; const require = __pushGetCreateRequire(import.meta.url);";

/**
 * Data files the code reads at run time, next to itself (`new URL('./name', import.meta.url)`),
 * instead of bundling them: the emoji table (lib/notification/emoji.ts) is read only by the
 * first message with a shortname, so the cold start does not parse it. Each is copied beside
 * `index.mjs` when the bundle names it, so a function that never reads it does not carry it.
 */
const RUNTIME_FILES = ['lib/notification/emoji-shortnames.json'];

function copyRuntimeFiles(inputDir: string, outputDir: string): string[] {
  return RUNTIME_FILES.map((file) => {
    const name = file.slice(file.lastIndexOf('/') + 1);
    return `if grep -qF '${name}' '${outputDir}/index.mjs'; then cp '${inputDir}/${file}' '${outputDir}/${name}'; fi`;
  });
}

export interface PushFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/push-get/index.ts`; it exports `handler`. */
  readonly entry: string;
  /**
   * Physical function name. Fixed so that it can also be handed to Powertools as the `function_name`
   * dimension of its `ColdStart` metric (a function cannot reference its own generated name).
   */
  readonly functionName: string;
  readonly description: string;
  /** Keep far below API Gateway's 29 s integration limit so a stuck call ends as a clean 5xx the phone retries. */
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  /** Function-specific variables; `POWERTOOLS_METRICS_FUNCTION_NAME` is always added. */
  readonly environment: Record<string, string>;
  /**
   * Map stack traces of uncaught errors to the TypeScript sources (`NODE_OPTIONS=--enable-source-maps`).
   * Off by default: Node then parses the whole source map (~0.6 MB) at every cold start, about 10 ms
   * (docs/performance.md), and the functions' own error logs carry name and message, not stacks.
   * The maps ship in the asset either way. @default false
   */
  readonly sourceMapsInStackTraces?: boolean;
}

/**
 * The house Lambda: Node.js 24 on arm64, ESM bundle built by the local esbuild (minified, with source
 * maps beside it, AWS SDK bundled), an explicit log group with retention, active X-Ray tracing, and a role
 * that can write only to that log group.
 */
export class PushFunction extends Construct {
  readonly function: NodejsFunction;
  /** Callers add their data-access statements here. */
  readonly role: Role;
  /** Where the function's lines go (the saved Logs Insights queries read it). */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PushFunctionProps) {
    super(scope, id);

    // Created here rather than by Lambda on first write, so it has a retention and is removed
    // with the stack (log data is operational; the table is what is retained).
    const logGroup = (this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    }));

    // An own role instead of the default one, whose AWSLambdaBasicExecutionRole managed policy
    // may create and write any log group: this one may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      functionName: props.functionName,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      description: props.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: MEMORY_MB,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup,
      environment: {
        ...(props.sourceMapsInStackTraces ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_METRICS_FUNCTION_NAME: props.functionName,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer the ESM builds of dependencies: better tree-shaking, no CJS interop shims.
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // Always built and shipped, so that turning on sourceMapsInStackTraces (or reading a stack
        // trace offline against the asset's map) needs no other build. Maps keep file/line/column
        // only; embedding the sources would double the artifact.
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK (no external modules at all) instead of using the runtime's copy:
        // one tree-shaken file imports ~50 ms faster than the SDK's many modules, and the SDK
        // version is the one we test against (docs/deploy.md has the measurements).
        bundleAwsSDK: true,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: copyRuntimeFiles,
        },
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only synchronously by API Gateway (authorizer and proxy integration): failures go back to the caller as 5xx and the phone retries; a dead-letter queue applies to asynchronous invocations only.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) use Resource *: X-Ray does not support resource-level permissions for them.',
    });
  }
}
