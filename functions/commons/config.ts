import { ConfigError } from '../../lib/core/errors';

export interface ServiceConfig {
  tableName: string;
  /** Set for DynamoDB Local or dynalite; unset in AWS. */
  endpoint?: string;
  region: string;
  settingsCacheMs: number;
}

/** Reads the environment once; a missing table name fails at start-up, not on the first call. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) {
    throw new ConfigError('TABLE_NAME is not set');
  }
  const cacheSeconds = Number(env.SETTINGS_CACHE_SECONDS ?? '60');
  if (!Number.isFinite(cacheSeconds) || cacheSeconds < 0) {
    throw new ConfigError('SETTINGS_CACHE_SECONDS must be a number of seconds ≥ 0');
  }
  return {
    tableName,
    endpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    settingsCacheMs: cacheSeconds * 1000,
  };
}
