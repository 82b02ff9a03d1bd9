/**
 * Where the operator's commands (npm start, import, sync, bench, explain, doctor) read and write:
 * one resolution of endpoint, region, profile, credentials and table, so that they all agree.
 * See docs/operations.md, "Choosing the target".
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OptionSpec } from '../../local/cli';
import { LOCAL_ENGINE_ACCESS } from './client';
import { createDocumentClient } from './document-client';
import { describeTable, ensureTable } from './table';
import { DEFAULT_TABLE_NAME } from './table-name';

export interface TargetOptions {
  endpoint?: string;
  region?: string;
  profile?: string;
  table?: string;
}

/** The four options, for a command's CommandSpec (local/cli.ts): --endpoint, --region, --profile, --table. */
export const TARGET_OPTIONS: Record<'endpoint' | 'region' | 'profile' | 'table', OptionSpec> = {
  endpoint: {
    type: 'string',
    value: 'URL',
    description: `a local DynamoDB (DynamoDB Local, dynalite) instead of AWS, always reached as region "${LOCAL_ENGINE_ACCESS.region}" with fixed credentials`,
    default: 'none, i.e. AWS',
  },
  region: {
    type: 'string',
    value: 'REGION',
    description: 'AWS region (not with --endpoint)',
    default: "like the AWS CLI: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region",
  },
  profile: {
    type: 'string',
    value: 'NAME',
    description: 'AWS profile for credentials and region (not with --endpoint)',
    default: '$AWS_PROFILE, else the default profile',
  },
  table: { type: 'string', value: 'NAME', description: "the table (in AWS: the stack's TableName output)", default: `$TABLE_NAME, else ${DEFAULT_TABLE_NAME}` },
};

export interface Target {
  /** Low-level commands work on it too. */
  client: DynamoDBDocumentClient;
  tableName: string;
  endpoint?: string;
  region: string;
  /** For messages: "table T at http://127.0.0.1:8000" or "table T in AWS region eu-west-1". */
  where: string;
  /** False only when `create: true` was asked for and the local engine has no such table yet. */
  tableExists: boolean;
  /** Creates the table if it is missing (only for `create: true`); call it after the command's own checks. */
  createTable(): Promise<void>;
  close(): void;
}

export interface TargetSettings {
  /** The table may be missing and created (with an endpoint only: in AWS the stack owns it). Only npm start and npm run import ask. */
  create?: boolean;
  /** The tools' long timeouts and many retries (lib/dynamodb/client.ts). */
  patient?: boolean;
  requestTimeoutMs?: number;
}

/** A refusal with an operator-readable message: missing table, no region, no credentials, unreachable endpoint. */
export class TargetError extends Error {}

/** What the client is built from: the pure half of resolveTarget. */
export interface ClientPlan {
  tableName: string;
  endpoint?: string;
  /** Undefined: the SDK resolves it from the profile (and fails when there is none). */
  region?: string;
  profile?: string;
}

/**
 * The decision alone, from the options and the environment: with an endpoint, the fixed local
 * region (createClient adds the fixed credentials) and nothing from the environment; without,
 * the AWS CLI's order (--region, AWS_REGION, AWS_DEFAULT_REGION, then the profile's region,
 * which only the SDK can read) and --profile over AWS_PROFILE.
 */
export function planTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): ClientPlan {
  const tableName = options.table || env.TABLE_NAME || DEFAULT_TABLE_NAME;
  if (options.endpoint !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(options.endpoint)) throw new TargetError(`--endpoint must be an http(s) URL, got "${options.endpoint}"`);
    const aws = (['region', 'profile'] as const).filter((name) => options[name] !== undefined);
    if (aws.length > 0) {
      throw new TargetError(
        `${aws.map((name) => `--${name}`).join(' and ')} choose${aws.length === 1 ? 's' : ''} an AWS account; with --endpoint every command uses region "${LOCAL_ENGINE_ACCESS.region}" and fixed credentials, so that all reach the same database`,
      );
    }
    return { tableName, endpoint: options.endpoint, region: LOCAL_ENGINE_ACCESS.region };
  }
  const region = options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const profile = options.profile || env.AWS_PROFILE || undefined;
  return { tableName, region, profile };
}

/** "table T at URL" or "table T in AWS region R". */
export function describeTarget(tableName: string, endpoint: string | undefined, region: string): string {
  return endpoint ? `table ${tableName} at ${endpoint}` : `table ${tableName} in AWS region ${region}`;
}

/** The one line a missing table gets: what, where, and the command that creates it. */
export function missingTableMessage(tableName: string, endpoint: string | undefined, region: string): string {
  if (endpoint) {
    return (
      `table ${tableName} not found at ${endpoint} (region "${region}"): create it with ` +
      `\`npm run import -- <export-dir> --endpoint ${endpoint} --table ${tableName}\` or \`npm start -- --endpoint ${endpoint} --table ${tableName} --fixtures <export-dir>\``
    );
  }
  return `table ${tableName} not found in AWS region ${region}: \`npm run deploy\` creates it; pass --table with the stack's TableName output, and --region or --profile if it lives elsewhere`;
}

/**
 * Resolves like the AWS CLI without --endpoint (--region, AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region; --profile/AWS_PROFILE credentials). With --endpoint: always the same fixed
 * region and credentials whatever the environment, so every command reaches the same DynamoDB
 * Local database (DynamoDB Local without -sharedDb keys its databases by access key and region).
 * Checks credentials and that the table exists (DescribeTable) unless `create: true` is asked for
 * (only npm start and npm run import may ask).
 */
export async function resolveTarget(options: TargetOptions, settings: TargetSettings = {}): Promise<Target> {
  const plan = planTarget(options);
  const client = createDocumentClient({ ...plan, patient: settings.patient, requestTimeoutMs: settings.requestTimeoutMs });
  try {
    let region: string;
    try {
      region = await client.config.region();
    } catch {
      throw new TargetError('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile (aws configure)');
    }
    const tableExists = await checkTable(client, plan, region, settings.create === true);
    let exists = tableExists;
    return {
      client,
      tableName: plan.tableName,
      endpoint: plan.endpoint,
      region,
      where: describeTarget(plan.tableName, plan.endpoint, region),
      tableExists,
      createTable: async () => {
        if (exists) return;
        if (!settings.create) throw new TargetError(missingTableMessage(plan.tableName, plan.endpoint, region));
        await ensureTable(client, plan.tableName);
        exists = true;
      },
      close: () => client.destroy(),
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/** One DescribeTable answers three questions: the credentials work, the endpoint answers, the table is there. */
async function checkTable(client: DynamoDBDocumentClient, plan: ClientPlan, region: string, create: boolean): Promise<boolean> {
  let table;
  try {
    table = await describeTable(client, plan.tableName);
  } catch (error) {
    throw new TargetError(describeTargetError((error as { name?: string }).name ?? '', error, plan.endpoint));
  }
  if (!table) {
    if (create && plan.endpoint) return false;
    throw new TargetError(missingTableMessage(plan.tableName, plan.endpoint, region));
  }
  if (table.TableStatus && table.TableStatus !== 'ACTIVE' && table.TableStatus !== 'UPDATING') {
    throw new TargetError(`${describeTarget(plan.tableName, plan.endpoint, region)} is ${table.TableStatus}, not ACTIVE`);
  }
  return true;
}

/** Names the cause without echoing credentials or SDK internals. */
export function describeTargetError(name: string, error: unknown, endpoint: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: set AWS_PROFILE or pass --profile, run aws sso login, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId', 'AccessDeniedException'].includes(name)) {
    return `AWS refused the credentials (${name}): check the profile, and that it may call dynamodb:DescribeTable and the command's reads and writes on the table`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|TimeoutError/.test(`${name} ${message} ${(error as { code?: string }).code ?? ''}`)) {
    return endpoint ? `cannot reach DynamoDB at ${endpoint} (is the local engine running?)` : 'cannot reach DynamoDB in AWS (network?)';
  }
  return `cannot use the table (${name || 'error'}: ${message})`;
}
