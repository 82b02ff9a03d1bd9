/**
 * Built once per Lambda execution environment: configuration (fails fast when missing), the
 * low-level DynamoDB client, the store, and the Powertools logger and metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadConfig } from './config';
import { createClient } from '../../lib/dynamodb/client';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';

export const config = loadConfig();
export const dynamoClient = createClient(config);
export const store = new DynamoStore(dynamoClient, { tableName: config.tableName, configCacheMs: config.settingsCacheMs });
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'push-get' });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'PushGet', serviceName: 'push-get' });

/** What a log line names of the invocation it belongs to. */
export interface Invocation {
  context?: Context;
  requestId?: string;
}

/**
 * The logger with this invocation's Lambda context and correlation id on it. Called just before a
 * line is written rather than at the start of every invocation: a success writes no line, and
 * attaching both costs about 15 µs per call (docs/performance.md).
 */
export function loggerFor({ context, requestId }: Invocation): Logger {
  if (context) logger.addContext(context);
  logger.setCorrelationId(requestId);
  return logger;
}

/** Errors are logged by name and message only: the domain never puts tokens into either. */
export function errorFields(error: unknown): { errorName: string; errorMessage: string } {
  return error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorName: 'Unknown', errorMessage: String(error) };
}
